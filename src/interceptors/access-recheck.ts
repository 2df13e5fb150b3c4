/**
 * A streaming call lasts; the access it was admitted with may not. This hands the handler
 * a check that authenticates the call's credentials and authorizes its method again, as
 * the interceptors did when it began, so that a revoked token or a removed membership ends
 * the stream with the status a new call would get.
 */
import type { Interceptor } from "@connectrpc/connect";
import type { Authorizer } from "../access/authorizer.js";
import type { DeclaredPermissions } from "../access/declared-permissions.js";
import { accessCheckKey, requestedOrgKey } from "../api/context-keys.js";
import type { Authenticate } from "./authenticate.js";

export function accessRecheckInterceptor(authenticate: Authenticate, authorizer: Authorizer, permissions: DeclaredPermissions): Interceptor {
  return (next) => (req) => {
    if (req.stream) {
      const permission = permissions.of(req.method);
      const requestedOrgId = req.contextValues.get(requestedOrgKey);
      req.contextValues.set(accessCheckKey, async () => {
        const caller = await authenticate(req.header);
        await authorizer.authorize({ caller, permission, requestedOrgId });
      });
    }
    return next(req);
  };
}
