/**
 * Decides whether a caller may do what a method requires, and on which organization.
 * Plain function over a small request, so every transport path can use it unchanged.
 */
import { permissionDenied } from "../errors.js";
import type { EventStore } from "../eventstore/store.js";
import { ORGS, type OrgDocument } from "../query/org-projection.js";
import type { Caller } from "./caller.js";
import { isInstancePermission } from "./declared-permissions.js";

export interface AccessRequest {
  readonly caller: Caller;
  readonly permission: string;
  /** The organization the call named (x-zitadel-orgid), if any. */
  readonly requestedOrgId?: string;
}

export interface AccessGrant {
  /** For organization permissions: the organization the call acts on. */
  readonly orgId?: string;
}

export class Authorizer {
  constructor(private readonly store: EventStore) {}

  async authorize(request: AccessRequest): Promise<AccessGrant> {
    if (isInstancePermission(request.permission)) return {};
    const orgId = request.requestedOrgId ?? request.caller.orgId;
    const org = await this.store.document<OrgDocument>(ORGS, orgId);
    if (!org) throw denied();
    return { orgId };
  }
}

/** One answer for every refusal, so that it tells nothing about which organizations exist. */
export function denied() {
  return permissionDenied("AUTH-5mWD2", "Errors.Permission.Denied", "no matching permissions found");
}
