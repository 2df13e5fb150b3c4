import { describe, expect, it } from "@jest/globals";
import { loginPolicyEvents } from "../../../src/events/login-policy.js";
import { ORG_ADDED } from "../../../src/events/org.js";
import type { StoredEvent } from "../../../src/eventstore/event.js";
import { policyReachProjection, type PolicyReachDocument } from "../../../src/projections/policy-reach-projection.js";

function event(type: string, orgId = "42"): StoredEvent {
  return {
    type,
    payload: {},
    aggregate: { type: "org", id: orgId },
    resourceOwner: orgId,
    sequence: 1,
    position: 1,
    creator: "u1",
    createdAt: new Date(Date.UTC(2026, 0, 1)),
  };
}

function reduce(start: PolicyReachDocument | undefined, ...types: string[]): PolicyReachDocument | undefined {
  return types.map((type) => event(type)).reduce((doc, e) => policyReachProjection.reduce(doc, e), start);
}

describe("the policy reach projection", () => {
  it("counts organizations added, and custom policies added and removed, in one document", () => {
    expect([...policyReachProjection.handles].sort()).toEqual([ORG_ADDED, loginPolicyEvents.org.added, loginPolicyEvents.org.removed].sort());
    expect(policyReachProjection.key(event(ORG_ADDED, "1"))).toBe(policyReachProjection.key(event(loginPolicyEvents.org.added, "2")));
    const org = loginPolicyEvents.org;
    expect(reduce({ organizations: 1, custom: 0 }, ORG_ADDED, ORG_ADDED, org.added, org.added, org.removed)).toEqual({ organizations: 3, custom: 1 });
  });

  it("counts from zero, as a replay of every event does", () => {
    expect(reduce(undefined, ORG_ADDED, loginPolicyEvents.org.added)).toEqual({ organizations: 1, custom: 1 });
  });
});
