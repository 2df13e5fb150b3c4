import { describe, expect, it } from "@jest/globals";
import { DEFAULT_SETTINGS } from "../../../src/domain/login-policy.js";
import { loginPolicyEvents } from "../../../src/events/login-policy.js";
import type { StoredEvent } from "../../../src/eventstore/event.js";
import { loginPolicyProjection, type LoginPolicyDocument } from "../../../src/projections/login-policy-projection.js";

const org = loginPolicyEvents.org;

function event(type: string, sequence: number, payload: unknown = {}): StoredEvent {
  return {
    type,
    payload,
    aggregate: { type: "org", id: "42" },
    resourceOwner: "42",
    sequence,
    position: sequence,
    creator: "u1",
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)),
  };
}

function reduce(...events: StoredEvent[]): LoginPolicyDocument | undefined {
  return events.reduce<LoginPolicyDocument | undefined>((doc, e) => loginPolicyProjection.reduce(doc, e), undefined);
}

describe("the login policy projection", () => {
  it("handles every login-policy event of both owners, keyed by the owner", () => {
    expect(loginPolicyProjection.handles.size).toBe(14);
    expect(loginPolicyProjection.handles.has("instance.policy.login.multifactor.added")).toBe(true);
    expect(loginPolicyProjection.key(event(org.added, 1))).toBe("42");
  });

  it("starts a policy with its settings, no factors, and the event as first and last", () => {
    expect(reduce(event(org.added, 3, DEFAULT_SETTINGS))).toEqual({
      ownerType: "org",
      ownerId: "42",
      settings: DEFAULT_SETTINGS,
      factors: { second: [], multi: [] },
      sequence: 3,
      createdAt: "2026-01-01T00:00:03.000Z",
      changedAt: "2026-01-01T00:00:03.000Z",
    });
  });

  it("adds and removes factors in order, and records the latest event", () => {
    const doc = reduce(
      event(org.added, 1, DEFAULT_SETTINGS),
      event(org.factorAdded.second, 2, { factor: "otp_sms" }),
      event(org.factorAdded.second, 3, { factor: "otp" }),
      event(org.factorAdded.multi, 4, { factor: "u2f_with_verification" }),
      event(org.factorRemoved.second, 5, { factor: "otp_sms" }),
    );
    expect(doc?.factors).toEqual({ second: ["otp"], multi: ["u2f_with_verification"] });
    expect(doc?.sequence).toBe(5);
    expect(doc?.createdAt).toBe("2026-01-01T00:00:01.000Z");
    expect(doc?.changedAt).toBe("2026-01-01T00:00:05.000Z");
  });

  it("merges changed settings into the rest", () => {
    const doc = reduce(event(org.added, 1, DEFAULT_SETTINGS), event(org.changed, 2, { forceMfa: true }));
    expect(doc?.settings).toEqual({ ...DEFAULT_SETTINGS, forceMfa: true });
  });

  it("forgets the policy when it is removed, and starts afresh when added again", () => {
    expect(reduce(event(org.added, 1, DEFAULT_SETTINGS), event(org.removed, 2))).toBeUndefined();
    const again = reduce(
      event(org.added, 1, DEFAULT_SETTINGS),
      event(org.factorAdded.second, 2, { factor: "otp" }),
      event(org.removed, 3),
      event(org.added, 4, DEFAULT_SETTINGS),
    );
    expect(again?.factors.second).toEqual([]);
    expect(again?.createdAt).toBe("2026-01-01T00:00:04.000Z");
  });
});
