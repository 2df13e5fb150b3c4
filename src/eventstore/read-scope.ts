/**
 * One call's reads, as the store sees them. A call reads a handful of documents (the
 * caller's token, their memberships, the organization, a policy), one after another; the
 * engine checks once per call, at its first read, that its memory holds what every other
 * process has committed. An engine whose database is across a network (PostgreSQL) fetches
 * in the same round trip the documents the call named up front. Later reads of the call are
 * answered from memory. An engine that checks without a round trip (SQLite) also lets a
 * call rely on a check made for another call after its request arrived: the calls whose
 * requests came in together (one read from a connection holds many) share one check.
 *
 * A scope only lets the engine skip checks it has already made for the call: reads outside
 * any scope (commands, the operator CLI, start-up) check every time. The scope is handed to
 * each read (see api/call-values.ts), for the reads a call makes before it writes: a read
 * after the call's own write goes without it, and sees the write.
 */
import type { DocumentRef } from "./projection.js";

/**
 * A document a call will read: by its key, or by a key held in a field of another
 * document (the memberships of the token's user), which the engine resolves in the same
 * round trip.
 */
export type WantedDocument = DocumentRef | KeyedByField;

export interface KeyedByField {
  readonly projection: string;
  /** The document whose field holds the key; nothing is wanted if it does not exist. */
  readonly keyFrom: DocumentRef & { readonly field: string };
}

/** A check that was made at once (by an engine that does not wait for its database). */
export const CHECKED: Promise<void> = Promise.resolve();

/** What a scope has from its check: a call sees these states however full memory is. */
export class ReadScope {
  /** Settles when the call's check has been made; undefined before its first read. */
  checked: Promise<void> | undefined;
  /** The documents the check brought, by documentId; undefined state for one that does not exist. */
  readonly documents = new Map<string, { readonly state: unknown }>();

  constructor(
    readonly wanted: readonly WantedDocument[],
    /**
     * When the call's request reached the server (performance.now()), or later: its caller
     * sent it before then. A check for other processes' commits that began after this saw
     * every commit the caller could know of, and serves the call as well as its own would.
     */
    readonly receivedAt: number = performance.now(),
  ) {}
}

export function isKeyedByField(wanted: WantedDocument): wanted is KeyedByField {
  return "keyFrom" in wanted;
}
