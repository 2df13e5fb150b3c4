/**
 * Gives the instance's aggregate a long history, fast: pairs of events that add and then
 * remove one second factor, appended through the store in large batches. Each batch is one
 * push, which updates the projections in the same transaction as the service's own writes
 * do, and the policy ends as it started. The server may be running: it keeps nothing in
 * memory between calls.
 */
import { currentInstance, SYSTEM_CREATOR } from "../src/command/instance-setup.js";
import { loadConfig } from "../src/config.js";
import { SECOND_FACTORS } from "../src/domain/factors.js";
import { INSTANCE } from "../src/events/aggregates.js";
import { loginPolicyEvents } from "../src/events/login-policy.js";
import type { NewEvent } from "../src/eventstore/event.js";
import { openEventStore } from "../src/eventstore/open.js";
import { createLogger } from "../src/logger.js";
import { LOGIN_POLICIES, type LoginPolicyDocument } from "../src/query/login-policy-projection.js";
import { projections } from "../src/query/projections.js";

const EVENTS_PER_PUSH = 1000;

/** The aggregate's length in events, before and after. */
export interface Lengthened {
  readonly before: number;
  readonly after: number;
}

/** Appends at least `events` events (an even number). */
export async function lengthenInstanceHistory(databaseUrl: string, events: number): Promise<Lengthened> {
  const { database } = loadConfig({ LPS_DATABASE_URL: databaseUrl }, []);
  const store = await openEventStore(database, projections, createLogger("silent"));
  try {
    const instance = await currentInstance(store);
    if (!instance) throw new Error("the database has no instance");
    const aggregate = { type: INSTANCE, id: instance.id };
    const { sequence, state } = await store.snapshot<LoginPolicyDocument>(aggregate, LOGIN_POLICIES, instance.id);
    const enabled: readonly string[] = state!.factors.second;
    const factor = SECOND_FACTORS.find((f) => !enabled.includes(f)) ?? SECOND_FACTORS[0];
    const { factorAdded, factorRemoved } = loginPolicyEvents.instance;
    const added: NewEvent = { type: factorAdded.second, payload: { factor } };
    const removed: NewEvent = { type: factorRemoved.second, payload: { factor } };
    const pair = enabled.includes(factor) ? [removed, added] : [added, removed];
    let length = sequence;
    for (let left = events; left > 0; left -= EVENTS_PER_PUSH) {
      const batch = Array.from({ length: Math.ceil(Math.min(left, EVENTS_PER_PUSH) / 2) }, () => pair).flat();
      await store.push({
        creator: SYSTEM_CREATOR,
        appends: [{ aggregate, resourceOwner: instance.id, expectedSequence: length, events: batch }],
      });
      length += batch.length;
    }
    return { before: sequence, after: length };
  } finally {
    await store.close();
  }
}

