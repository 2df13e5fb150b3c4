/**
 * Projections turn events into documents that reads (and commands' write models) load
 * with one key lookup. The store applies them in the same transaction as the events they
 * reduce, so a read after a write sees it, and nothing on a request's path replays history.
 *
 * This file holds the engine-independent part: which documents a batch of events touches,
 * and their new states. Engines only load and save documents.
 */
import type { StoredEvent } from "./event.js";

export interface Projection<S = unknown> {
  /** Names the projection's documents in storage; changing it orphans them. */
  readonly name: string;
  /** The event types this projection reduces. */
  readonly handles: ReadonlySet<string>;
  /**
   * The key of the document the event changes. A store asks before it stores the event
   * (PostgreSQL locks the document first), so the key cannot depend on the event's position
   * or time, which the store gives it.
   */
  key(event: EventToStore): string;
  /**
   * The document after the event; undefined deletes it. Must be pure. A store may reduce
   * before it inserts the event (PostgreSQL saves the documents in the statement that
   * inserts the events), so the event has no position yet.
   */
  reduce(state: S | undefined, event: ProjectedEvent): S | undefined;
}

/** An event as a projection reduces it: as stored, but for its position. */
export type ProjectedEvent = Omit<StoredEvent, "position">;

/** An event as its command made it, before the store gives it a position and a time. */
export type EventToStore = Omit<ProjectedEvent, "createdAt">;

/** A document address: which projection, which key. */
export interface DocumentRef {
  readonly projection: string;
  readonly key: string;
}

/** A document's new state after a push; undefined means deleted. */
export interface DocumentChange extends DocumentRef {
  readonly state: unknown;
}

/** The documents the events will change, each once, for the engine to load. */
export function documentsTouched(projections: readonly Projection[], events: readonly EventToStore[]): DocumentRef[] {
  const refs = new Map<string, DocumentRef>();
  for (const event of events) {
    for (const projection of projections) {
      if (!projection.handles.has(event.type)) continue;
      const ref = { projection: projection.name, key: projection.key(event) };
      refs.set(documentId(ref), ref);
    }
  }
  return [...refs.values()];
}

/**
 * Reduces the events, in order, over the loaded documents. `loaded` holds each touched
 * document's current state (absent when it does not exist yet).
 */
export function reduceDocuments(
  projections: readonly Projection[],
  events: readonly ProjectedEvent[],
  loaded: ReadonlyMap<string, unknown>,
): DocumentChange[] {
  const states = new Map<string, DocumentChange>();
  for (const event of events) {
    for (const projection of projections) {
      if (!projection.handles.has(event.type)) continue;
      const ref = { projection: projection.name, key: projection.key(event) };
      const id = documentId(ref);
      const current = states.has(id) ? states.get(id)!.state : loaded.get(id);
      states.set(id, { ...ref, state: projection.reduce(current, event) });
    }
  }
  return [...states.values()];
}

export function documentId(ref: DocumentRef): string {
  return `${ref.projection}\u0000${ref.key}`;
}
