/**
 * Makes each unary call one scope of reads (eventstore/read-scope.ts): the store checks
 * once per call that what it holds in memory is current, and fetches in that round trip
 * the documents the call will read. A stream's reads are spread over its life, so each of
 * them checks on its own.
 */
import type { Interceptor } from "@connectrpc/connect";
import { callContextKey, readScopeKey, requestedOrgKey } from "../api/context-keys.js";
import { ReadScope, type WantedDocument } from "../eventstore/read-scope.js";

export type CallDocuments = (authorization: string | null, requestedOrgId: string | undefined) => readonly WantedDocument[];

export function readScopeInterceptor(callDocuments: CallDocuments): Interceptor {
  return (next) => (req) => {
    if (req.stream) return next(req);
    const wanted = callDocuments(req.header.get("authorization"), req.contextValues.get(requestedOrgKey));
    req.contextValues.set(readScopeKey, new ReadScope(wanted, req.contextValues.get(callContextKey)?.receivedAt));
    return next(req);
  };
}
