/** What a successful change reports back: where its events landed, when, and for whom. */
import type { StoredEvent } from "../eventstore/event.js";

export interface WriteResult {
  /** The sequence of the last event the change added to its aggregate. */
  readonly sequence: number;
  /** The time of the change's events (all events of one push share it). */
  readonly at: Date;
  /** The organization, or the instance, that owns the changed object. */
  readonly resourceOwner: string;
}

export function writeResult(events: readonly StoredEvent[]): WriteResult {
  const last = events[events.length - 1];
  if (last === undefined) throw new Error("a change must add at least one event");
  return { sequence: last.sequence, at: last.createdAt, resourceOwner: last.resourceOwner };
}
