/**
 * Names the authenticated caller (user and own organization, never the token) in the call
 * context, so that the call's log lines from here on say who made it. Runs right after
 * authentication.
 */
import type { Interceptor } from "@connectrpc/connect";
import { callContextKey, callerKey } from "../api/context-keys.js";

export function callerLogInterceptor(): Interceptor {
  return (next) => (req) => {
    const caller = req.contextValues.get(callerKey);
    const context = req.contextValues.get(callContextKey);
    if (caller && context) {
      context.userId = caller.userId;
      context.orgId = caller.orgId;
    }
    return next(req);
  };
}
