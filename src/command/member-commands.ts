/**
 * Granting and revoking roles on the instance or on one organization. The user ID may name a
 * machine user of this service or the subject of an external issuer's JWTs.
 */
import type { RolePermissions } from "../access/role-permissions.js";
import { alreadyExists, invalidArgument, notFound } from "../errors.js";
import { INSTANCE, type MembershipScope } from "../events/aggregates.js";
import { memberEvents } from "../events/member.js";
import type { NewEvent } from "../eventstore/event.js";
import type { EventStore } from "../eventstore/store.js";
import { MEMBERSHIPS, type MembershipDocument } from "../projections/membership-projection.js";
import { retryOnConflict } from "./retry-on-conflict.js";
import { writeResult, type WriteResult } from "./write-result.js";

/** On what a membership is: the instance (its ID) or an organization (its ID). */
export interface MembershipTarget {
  readonly scope: MembershipScope;
  readonly id: string;
}

const USER_ID = /^\S{1,200}$/;

export class MemberCommands {
  constructor(
    private readonly store: EventStore,
    private readonly roles: RolePermissions,
  ) {}

  grantRole(target: MembershipTarget, userId: string, role: string, creator: string): Promise<WriteResult> {
    return this.change(target, userId, role, creator, (roles) => {
      if (roles.includes(role)) throw alreadyExists("MEMBER-R0l3x", "Errors.Member.RoleAlreadyGranted", `the user already has ${role} there`);
      return [...roles, role];
    });
  }

  revokeRole(target: MembershipTarget, userId: string, role: string, creator: string): Promise<WriteResult> {
    return this.change(target, userId, role, creator, (roles) => {
      if (!roles.includes(role)) throw notFound("MEMBER-R0l3n", "Errors.Member.RoleNotGranted", `the user does not have ${role} there`);
      return roles.filter((r) => r !== role);
    });
  }

  private async change(
    target: MembershipTarget,
    userId: string,
    role: string,
    creator: string,
    next: (roles: readonly string[]) => readonly string[],
  ): Promise<WriteResult> {
    if (!USER_ID.test(userId)) throw invalidArgument("MEMBER-Us3r1", "Errors.Member.InvalidUserId", "a user ID has 1 to 200 characters and no spaces");
    if (!this.roles.isRole(target.scope, role)) {
      throw invalidArgument(
        "MEMBER-R0l3i",
        "Errors.Member.UnknownRole",
        `${role} is not a role on ${target.scope === INSTANCE ? "the instance" : "organizations"}; known: ${this.roles.roles(target.scope).join(", ")}`,
      );
    }
    const aggregate = { type: target.scope, id: target.id };
    const types = memberEvents[target.scope];
    return retryOnConflict(async () => {
      const model = await this.store.snapshot<MembershipDocument>(aggregate, MEMBERSHIPS, userId);
      if (model.sequence === 0) throw notFound("MEMBER-Nf0wn", target.scope === INSTANCE ? "Errors.Instance.NotFound" : "Errors.Org.NotFound");
      const before = (target.scope === INSTANCE ? model.state?.instance : model.state?.orgs[target.id]) ?? [];
      const after = next(before);
      const event: NewEvent =
        after.length === 0
          ? { type: types.removed, payload: { userId } }
          : { type: before.length === 0 ? types.added : types.changed, payload: { userId, roles: after } };
      const stored = await this.store.push({
        creator,
        appends: [{ aggregate, resourceOwner: target.id, expectedSequence: model.sequence, events: [event] }],
      });
      return writeResult(stored);
    });
  }
}
