/**
 * Who the instance's default login policy reaches: every organization without a custom
 * policy. Organizations are a small set (see EventStore.documents), read whole and paged here;
 * the two lists are read side by side, so an organization that takes or drops its custom
 * policy at that very moment may be counted on either side. How many the default reaches,
 * which every change of the default answers, is read from the count the store keeps
 * instead, one document however many organizations there are.
 */
import { ORG } from "../events/aggregates.js";
import type { EventStore } from "../eventstore/store.js";
import { LOGIN_POLICIES, type LoginPolicyDocument } from "../projections/login-policy-projection.js";
import { ORGS, type OrgDocument } from "../projections/org-projection.js";
import { POLICY_REACH, POLICY_REACH_KEY, type PolicyReachDocument } from "../projections/policy-reach-projection.js";

/** Which organizations a list holds. */
export type ReachFilter = "all" | "followingDefault" | "custom";

export interface OrganizationReach {
  readonly orgId: string;
  readonly orgName: string;
  /** No custom policy: every change of the default reaches it. */
  readonly followsDefault: boolean;
}

export interface ReachPage {
  /** The page, ordered by name, then ID. */
  readonly organizations: readonly OrganizationReach[];
  /** How many organizations the filter admits. */
  readonly total: number;
  /** How many organizations of the instance follow the default, and how many have their own. */
  readonly followingDefault: number;
  readonly custom: number;
}

export class PolicyReachQueries {
  constructor(private readonly store: EventStore) {}

  async page(filter: ReachFilter, offset: number, limit: number): Promise<ReachPage> {
    const all = await this.organizations();
    const admitted = filter === "all" ? all : all.filter((org) => org.followsDefault === (filter === "followingDefault"));
    const followingDefault = all.filter((org) => org.followsDefault).length;
    return {
      organizations: admitted.slice(offset, offset + limit),
      total: admitted.length,
      followingDefault,
      custom: all.length - followingDefault,
    };
  }

  /** How many organizations a change of the default reaches now. */
  async followingDefault(): Promise<number> {
    const count = await this.store.document<PolicyReachDocument>(POLICY_REACH, POLICY_REACH_KEY);
    // Kept since the first organization, which the instance is set up with: its absence is a
    // broken database.
    if (!count) throw new Error("the policy reach count is missing from the database");
    return count.organizations - count.custom;
  }

  private async organizations(): Promise<OrganizationReach[]> {
    const [orgs, policies] = await Promise.all([
      this.store.documents<OrgDocument>(ORGS),
      this.store.documents<LoginPolicyDocument>(LOGIN_POLICIES),
    ]);
    const custom = new Set(policies.filter(({ state }) => state.ownerType === ORG).map(({ key }) => key));
    return orgs
      .map(({ state }) => ({ orgId: state.id, orgName: state.name, followsDefault: !custom.has(state.id) }))
      .sort((a, b) => compare(a.orgName, b.orgName) || compare(a.orgId, b.orgId));
  }
}

/** By code point, the same on every engine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
