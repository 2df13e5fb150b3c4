/**
 * The advisory locks a PostgreSQL write transaction takes (see the top of postgres.ts for
 * why advisory locks, and why in one global order), and the statement that takes them.
 *
 * Order: aggregates before documents, each group by key. An aggregate the transaction
 * appends to is locked exclusively; one it only checks (an append of no events) is locked
 * shared, so that the many writers that only check one aggregate (every organization's
 * writer that checks the instance's default) do not take turns with one another, while a
 * writer of that aggregate still waits for them, and they for it.
 *
 * One message. The locks are taken by a simple-protocol query of one statement per lock,
 * which runs its statements one after another, in order, and can open the transaction in
 * the same message (BEGIN first); the statements sent after it go with it (see
 * postgres-pipeline.ts), so taking locks adds no round trip of its own. The keys are
 * integers this module computes, never caller input, so writing them into the text is
 * safe; a statement this small costs nothing to parse.
 * Reads that must see the state after the locks are separate statements sent after it: in
 * READ COMMITTED each statement reads from a snapshot taken when it starts, which for a
 * statement that waited for a lock would be older than the lock.
 */
import { createHash } from "node:crypto";
import type { AggregateRef } from "./event.js";
import type { DocumentRef } from "./projection.js";
import type { Pipeline } from "./postgres-pipeline.js";

export interface AdvisoryLock {
  readonly key: bigint;
  /** Shared: the aggregate is only checked, not appended to. */
  readonly shared: boolean;
}

/** The locks of a transaction's aggregates and documents, in the global order, each once. */
export function locksFor(appended: readonly AggregateRef[], checked: readonly AggregateRef[], documents: readonly DocumentRef[]): AdvisoryLock[] {
  const aggregates = new Map<bigint, AdvisoryLock>();
  const add = (aggregate: AggregateRef, shared: boolean) => {
    const key = aggregateLockKey(aggregate);
    aggregates.set(key, { key, shared });
  };
  for (const aggregate of checked) add(aggregate, true);
  // Exclusive wins: an aggregate both checked and appended to is appended to.
  for (const aggregate of appended) add(aggregate, false);
  const byKey = (a: AdvisoryLock, b: AdvisoryLock) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const docs = [...new Set(documents.map(documentLockKey))].map((key) => ({ key, shared: false }));
  return [...[...aggregates.values()].sort(byKey), ...docs.sort(byKey)];
}

/** The locks a transaction holds, and the one statement that begins it or takes more. */
export class HeldLocks {
  private readonly held = new Set<bigint>();
  private begun = false;

  /**
   * Sends the statement that takes the locks not held yet, in the order given, beginning
   * the transaction first if it has not begun (nothing when nothing is left to do). The
   * locks count as held from here: what is sent after it on the connection runs holding
   * them, and if it fails, the transaction fails (see postgres-pipeline.ts).
   */
  take(pipeline: Pipeline, locks: readonly AdvisoryLock[]): void {
    const missing = locks.filter((lock) => !this.held.has(lock.key));
    const statements = missing.map((lock) => `SELECT pg_advisory_xact_lock${lock.shared ? "_shared" : ""}('${lock.key}'::bigint)`);
    if (!this.begun) statements.unshift("BEGIN");
    if (statements.length === 0) return;
    void pipeline.send(statements.join("; "));
    this.begun = true;
    for (const lock of missing) this.held.add(lock.key);
  }
}

/** A 64-bit advisory lock key for a name. Two names that share a key only make their writers take turns. */
function lockKey(name: string): bigint {
  let key = knownKeys.get(name);
  if (key === undefined) {
    if (knownKeys.size >= KNOWN_KEYS) knownKeys.clear();
    key = createHash("sha256").update(name).digest().readBigInt64BE(0);
    knownKeys.set(name, key);
  }
  return key;
}

/**
 * Keys computed before, by name: a write locks the same aggregate and document as the
 * writes before it, and a decision computes its own locks twice (before it reads, and with
 * the rest of its push's). At most KNOWN_KEYS (about a megabyte), forgotten all at once.
 */
const knownKeys = new Map<string, bigint>();
const KNOWN_KEYS = 10_000;

const aggregateLockKey = (aggregate: AggregateRef) => lockKey(JSON.stringify(["aggregate", aggregate.type, aggregate.id]));
const documentLockKey = (ref: DocumentRef) => lockKey(JSON.stringify(["document", ref.projection, ref.key]));
