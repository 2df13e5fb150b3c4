/** Admits the call if the caller holds the permission its method declares in the proto. */
import type { Interceptor } from "@connectrpc/connect";
import type { Authorizer } from "../access/authorizer.js";
import type { DeclaredPermissions } from "../access/declared-permissions.js";
import { callerKey, orgKey, requestedOrgKey } from "../api/context-keys.js";

export function authorizeInterceptor(authorizer: Authorizer, permissions: DeclaredPermissions): Interceptor {
  return (next) => async (req) => {
    const caller = req.contextValues.get(callerKey);
    if (!caller) throw new Error("authorization ran before authentication");
    const grant = await authorizer.authorize({
      caller,
      permission: permissions.of(req.method),
      requestedOrgId: req.contextValues.get(requestedOrgKey),
    });
    if (grant.orgId) req.contextValues.set(orgKey, grant.orgId);
    return next(req);
  };
}
