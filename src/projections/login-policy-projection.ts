/**
 * Login policies as documents, one per owner (the instance's default policy and each
 * organization's custom policy), keyed by the owner's ID. Reads answer from these
 * documents, and commands decide on them (they are updated in the same transaction as the
 * events, so they are never behind).
 */
import { FACTOR_KINDS } from "../domain/factors.js";
import type { LoginPolicyFactors, LoginPolicySettings } from "../domain/login-policy.js";
import { INSTANCE, ORG, type PolicyOwnerType } from "../events/aggregates.js";
import {
  loginPolicyEvents,
  type FactorChanged,
  type LoginPolicyAdded,
  type LoginPolicyChanged,
} from "../events/login-policy.js";
import type { ProjectedEvent, Projection } from "../eventstore/projection.js";

export interface LoginPolicyDocument {
  readonly ownerType: PolicyOwnerType;
  /** The organization's ID, or the instance's for the default policy. */
  readonly ownerId: string;
  readonly settings: LoginPolicySettings;
  readonly factors: LoginPolicyFactors;
  /** The sequence of the last event reduced into this document. */
  readonly sequence: number;
  /** ISO 8601 times of the policy's first and last event. */
  readonly createdAt: string;
  readonly changedAt: string;
}

export const LOGIN_POLICIES = "login_policies";

type Reducer = (doc: LoginPolicyDocument | undefined, event: ProjectedEvent) => LoginPolicyDocument | undefined;

/** A reducer that changes an existing policy and records the event as its latest. */
function update(change: (doc: LoginPolicyDocument, event: ProjectedEvent) => Partial<LoginPolicyDocument>): Reducer {
  return (doc, event) =>
    doc && { ...doc, ...change(doc, event), sequence: event.sequence, changedAt: event.createdAt.toISOString() };
}

function reducers(ownerType: PolicyOwnerType): [string, Reducer][] {
  const types = loginPolicyEvents[ownerType];
  const factorOf = (event: ProjectedEvent) => (event.payload as FactorChanged).factor;
  const added: Reducer = (_doc, event) => ({
    ownerType,
    ownerId: event.aggregate.id,
    settings: event.payload as LoginPolicyAdded,
    factors: { second: [], multi: [] },
    sequence: event.sequence,
    createdAt: event.createdAt.toISOString(),
    changedAt: event.createdAt.toISOString(),
  });
  return [
    [types.added, added],
    [types.changed, update((doc, event) => ({ settings: { ...doc.settings, ...(event.payload as LoginPolicyChanged) } }))],
    [types.removed, () => undefined],
    ...FACTOR_KINDS.flatMap((kind): [string, Reducer][] => [
      [
        types.factorAdded[kind],
        update((doc, event) => {
          const present: readonly string[] = doc.factors[kind];
          const factor = factorOf(event);
          return { factors: { ...doc.factors, [kind]: present.includes(factor) ? present : [...present, factor] } };
        }),
      ],
      [
        types.factorRemoved[kind],
        update((doc, event) => ({
          factors: { ...doc.factors, [kind]: doc.factors[kind].filter((f: string) => f !== factorOf(event)) },
        })),
      ],
    ]),
  ];
}

const byType = new Map<string, Reducer>([...reducers(INSTANCE), ...reducers(ORG)]);

export const loginPolicyProjection: Projection<LoginPolicyDocument> = {
  name: LOGIN_POLICIES,
  handles: new Set(byType.keys()),
  key: (event) => event.aggregate.id,
  reduce: (doc, event) => byType.get(event.type)!(doc, event),
};
