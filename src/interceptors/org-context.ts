/**
 * Reads which organization a call names. Whether the caller may act on it is decided by
 * authorization, which also falls back to the caller's own organization.
 */
import type { Interceptor } from "@connectrpc/connect";
import { requestedOrgKey } from "../api/context-keys.js";

export const ORG_HEADER = "x-zitadel-orgid";

export function orgContextInterceptor(): Interceptor {
  return (next) => (req) => {
    const orgId = req.header.get(ORG_HEADER)?.trim();
    if (orgId) req.contextValues.set(requestedOrgKey, orgId);
    return next(req);
  };
}
