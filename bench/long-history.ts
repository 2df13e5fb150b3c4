/**
 * Gives an organization's policy a long history, fast: pairs of events that add and then
 * remove one second factor, appended through the store in large batches. Each batch is one
 * push, which updates the projections in the same transaction, as the service's own writes
 * do; the policy ends as it started.
 */
import { SYSTEM_CREATOR } from "../src/command/instance-setup.js";
import { SECOND_FACTORS } from "../src/domain/factors.js";
import { ORG } from "../src/events/aggregates.js";
import { loginPolicyEvents } from "../src/events/login-policy.js";
import type { NewEvent } from "../src/eventstore/event.js";
import type { EventStore } from "../src/eventstore/store.js";
import { LOGIN_POLICIES, type LoginPolicyDocument } from "../src/projections/login-policy-projection.js";

const EVENTS_PER_PUSH = 1000;

/** Appends at least `events` events (an even number) to the organization's aggregate; resolves with its length. */
export async function lengthenHistory(store: EventStore, orgId: string, events: number): Promise<number> {
  const aggregate = { type: ORG, id: orgId };
  const { sequence, state } = await store.snapshot<LoginPolicyDocument>(aggregate, LOGIN_POLICIES, orgId);
  if (!state) throw new Error(`organization ${orgId} has no policy of its own`);
  const enabled: readonly string[] = state.factors.second;
  const factor = SECOND_FACTORS.find((f) => !enabled.includes(f)) ?? SECOND_FACTORS[0];
  const { factorAdded, factorRemoved } = loginPolicyEvents.org;
  const added: NewEvent = { type: factorAdded.second, payload: { factor } };
  const removed: NewEvent = { type: factorRemoved.second, payload: { factor } };
  const pair = enabled.includes(factor) ? [removed, added] : [added, removed];
  let length = sequence;
  for (let left = events; left > 0; left -= EVENTS_PER_PUSH) {
    const batch = Array.from({ length: Math.ceil(Math.min(left, EVENTS_PER_PUSH) / 2) }, () => pair).flat();
    await store.push({
      creator: SYSTEM_CREATOR,
      appends: [{ aggregate, resourceOwner: orgId, expectedSequence: length, events: batch }],
    });
    length += batch.length;
  }
  return length;
}
