/**
 * How many organizations there are, and how many of them have a custom login policy, as
 * one document: a change of the default policy answers how many organizations it reaches
 * (those without a custom policy) from this count instead of reading every organization's
 * and every policy's document, which grows with the organizations.
 *
 * Like every document it is what the events reduce to, counted from zero. A database from
 * before it got it from the schema step that introduced it ("policy reach count", in each
 * engine's migrations), counted from the organization and policy documents it held.
 */
import { ORG_ADDED } from "../events/org.js";
import { loginPolicyEvents } from "../events/login-policy.js";
import type { Projection } from "../eventstore/projection.js";

export interface PolicyReachDocument {
  readonly organizations: number;
  /** Organizations with a custom login policy; the others follow the default. */
  readonly custom: number;
}

/** The migrations that write the first document name it by these literals too. */
export const POLICY_REACH = "policy_reach";
export const POLICY_REACH_KEY = "organizations";

const COUNTED: Readonly<Record<string, Partial<Record<keyof PolicyReachDocument, 1 | -1>>>> = {
  [ORG_ADDED]: { organizations: 1 },
  [loginPolicyEvents.org.added]: { custom: 1 },
  [loginPolicyEvents.org.removed]: { custom: -1 },
};

export const policyReachProjection: Projection<PolicyReachDocument> = {
  name: POLICY_REACH,
  handles: new Set(Object.keys(COUNTED)),
  key: () => POLICY_REACH_KEY,
  reduce: (doc = { organizations: 0, custom: 0 }, event) => {
    const step = COUNTED[event.type]!;
    return { organizations: doc.organizations + (step.organizations ?? 0), custom: doc.custom + (step.custom ?? 0) };
  },
};
