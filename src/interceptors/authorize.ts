/** Admits the call if the caller holds the permission its method declares in the proto. */
import type { Interceptor } from "@connectrpc/connect";
import type { Authorizer } from "../access/authorizer.js";
import type { DeclaredPermissions } from "../access/declared-permissions.js";
import { callerKey, orgKey, readScopeKey, requestedOrgKey } from "../api/context-keys.js";
import { textAtFieldPath } from "./field-text.js";

export function authorizeInterceptor(authorizer: Authorizer, permissions: DeclaredPermissions): Interceptor {
  return (next) => async (req) => {
    const caller = req.contextValues.get(callerKey);
    if (!caller) throw new Error("authorization ran before authentication");
    const orgField = permissions.orgFieldOf(req.method);
    // A request that names its organization in a field names it there, not in a header.
    const orgInRequest = orgField && !req.stream ? textAtFieldPath(req.method.input, req.message, orgField) : undefined;
    const grant = await authorizer.authorize({
      caller,
      permission: permissions.of(req.method),
      requestedOrgId: orgInRequest || req.contextValues.get(requestedOrgKey),
      scope: req.contextValues.get(readScopeKey),
    });
    if (grant.orgId) req.contextValues.set(orgKey, grant.orgId);
    return next(req);
  };
}
