/**
 * Decides whether a caller may do what a method requires, and on which organization:
 * plain functions over a small request, so every transport path can use them unchanged.
 * Instance permissions ("iam.*") need an instance role; organization permissions need an
 * instance role or a role on that organization.
 */
import type { ReadScope } from "../eventstore/read-scope.js";
import type { EventStore } from "../eventstore/store.js";
import { MEMBERSHIPS, type MembershipDocument } from "../projections/membership-projection.js";
import { ORGS, type OrgDocument } from "../projections/org-projection.js";
import { organizationMissing, permissionDeniedError } from "./access-errors.js";
import type { Caller } from "./caller.js";
import { isInstancePermission } from "./declared-permissions.js";
import type { RolePermissions } from "./role-permissions.js";

export interface AccessRequest {
  readonly caller: Caller;
  readonly permission: string;
  /** The organization the call named (x-zitadel-orgid), if any. */
  readonly requestedOrgId?: string;
  /** The call's reads, when a call is admitted (see read-scope.ts). */
  readonly scope?: ReadScope;
}

export interface AccessGrant {
  /** For organization permissions: the organization the call acts on. */
  readonly orgId?: string;
}

const NO_MEMBERSHIPS: MembershipDocument = { instance: [], orgs: {} };

export class Authorizer {
  constructor(
    private readonly store: EventStore,
    private readonly roles: RolePermissions,
  ) {}

  async authorize({ caller, permission, requestedOrgId, scope }: AccessRequest): Promise<AccessGrant> {
    const memberships = (await this.store.document<MembershipDocument>(MEMBERSHIPS, caller.userId, scope)) ?? NO_MEMBERSHIPS;
    const byInstanceRole = this.roles.grants("instance", memberships.instance, permission);
    if (isInstancePermission(permission)) {
      if (!byInstanceRole) throw permissionDeniedError();
      return {};
    }
    const orgId = requestedOrgId ?? caller.orgId;
    if (!orgId) throw organizationMissing();
    // Own keys only: the ID comes from the caller, and "constructor" is no membership.
    const orgRoles = Object.hasOwn(memberships.orgs, orgId) ? memberships.orgs[orgId]! : [];
    if (!byInstanceRole && !this.roles.grants("org", orgRoles, permission)) {
      throw permissionDeniedError();
    }
    // Checked after the roles, and refused the same way, so that an outsider cannot tell
    // an organization that does not exist from one that is not theirs.
    if (!(await this.store.document<OrgDocument>(ORGS, orgId, scope))) throw permissionDeniedError();
    return { orgId };
  }
}
