/**
 * Reads of organizations, users, memberships and tokens, for operators. These lists scan a
 * projection, which is fine for the dozens to thousands of entries an instance has; calls on
 * a request's path use key lookups instead.
 */
import type { EventStore } from "../eventstore/store.js";
import { MEMBERSHIPS, type MembershipDocument } from "../projections/membership-projection.js";
import { ORGS, type OrgDocument } from "../projections/org-projection.js";
import { USERS, type TokenInfo, type UserDocument } from "../projections/user-projection.js";

/** One user's roles in one place: the instance, or an organization. */
export interface Membership {
  readonly userId: string;
  /** The organization, or undefined for the instance. */
  readonly orgId?: string;
  readonly roles: readonly string[];
}

export class IdentityQueries {
  constructor(private readonly store: EventStore) {}

  async orgs(): Promise<OrgDocument[]> {
    return (await this.store.documents<OrgDocument>(ORGS)).map((d) => d.state).sort(byCreation);
  }

  org(orgId: string): Promise<OrgDocument | undefined> {
    return this.store.document<OrgDocument>(ORGS, orgId);
  }

  async users(orgId?: string): Promise<UserDocument[]> {
    const users = (await this.store.documents<UserDocument>(USERS)).map((d) => d.state);
    return users.filter((user) => orgId === undefined || user.orgId === orgId).sort(byCreation);
  }

  user(userId: string): Promise<UserDocument | undefined> {
    return this.store.document<UserDocument>(USERS, userId);
  }

  /** The names of those of the users that are machine users here (name, or else username), by ID. */
  async userNames(userIds: ReadonlySet<string>): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const userId of userIds) {
      const user = await this.user(userId);
      if (user) names.set(userId, user.name || user.username);
    }
    return names;
  }

  async tokens(userId: string): Promise<readonly TokenInfo[] | undefined> {
    return (await this.user(userId))?.tokens;
  }

  /** Every membership of one user. */
  async membershipsOf(userId: string): Promise<Membership[]> {
    const doc = await this.store.document<MembershipDocument>(MEMBERSHIPS, userId);
    return doc ? membershipsIn(userId, doc) : [];
  }

  /** The members of one organization, or of the instance when no organization is given. */
  async members(orgId?: string): Promise<Membership[]> {
    const docs = await this.store.documents<MembershipDocument>(MEMBERSHIPS);
    return docs
      .flatMap((doc) => membershipsIn(doc.key, doc.state))
      .filter((membership) => membership.orgId === orgId);
  }
}

function membershipsIn(userId: string, doc: MembershipDocument): Membership[] {
  return [
    ...(doc.instance.length > 0 ? [{ userId, roles: doc.instance }] : []),
    ...Object.entries(doc.orgs).map(([orgId, roles]) => ({ userId, orgId, roles })),
  ];
}

function byCreation(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}
