/** Establishes who is calling, before anything else about the call is decided. */
import type { Interceptor } from "@connectrpc/connect";
import type { Caller } from "../access/caller.js";
import { callerKey } from "./context-keys.js";

export type Authenticate = (header: Headers) => Promise<Caller>;

export function authenticateInterceptor(authenticate: Authenticate): Interceptor {
  return (next) => async (req) => {
    req.contextValues.set(callerKey, await authenticate(req.header));
    return next(req);
  };
}
