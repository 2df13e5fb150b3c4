/** Establishes who is calling, before anything else about the call is decided. */
import type { Interceptor } from "@connectrpc/connect";
import { credentialsRepeated } from "../access/access-errors.js";
import type { Caller } from "../access/caller.js";
import { callerKey, credentialHeadersKey, readScopeKey } from "../api/context-keys.js";
import type { ReadScope } from "../eventstore/read-scope.js";

/** Who the request's headers say is calling; `scope`: the call's reads, for a unary call. */
export type Authenticate = (header: Headers, scope?: ReadScope) => Promise<Caller>;

export function authenticateInterceptor(authenticate: Authenticate): Interceptor {
  return (next) => async (req) => {
    // Which of two credentials would be the caller's? Neither: the request is refused.
    const count = req.contextValues.get(credentialHeadersKey);
    if (count > 1) throw credentialsRepeated(count);
    req.contextValues.set(callerKey, await authenticate(req.header, req.contextValues.get(readScopeKey)));
    return next(req);
  };
}
