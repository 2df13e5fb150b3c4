/**
 * The statements a PostgreSQL push sends once it holds its locks (see postgres-locks.ts),
 * so that they read after them. Each used to be several statements, and round trips:
 *
 * The read, for what the push reduces its documents from: the clock, read once for every
 * event of the push (see the top of postgres.ts), and the current state of the documents
 * the events change that the transaction has not read yet.
 *
 * The write, everything else in one statement:
 *   - the sequence of each aggregate whose sequence the transaction does not know yet under
 *     its lock, compared with what the command expected; if any moved on, no event is
 *     inserted, and the caller rolls back what the rest of the statement did;
 *   - the events, numbered on from the expected sequences, in the order of the push;
 *   - the claimed unique values: a claim waits for a concurrent claimant of the same value
 *     to finish and comes back empty if it committed;
 *   - the documents' new states, a null state deleting (a trigger notes each change for
 *     the replicas' checks: see postgres-freshness.ts);
 *   - the commit notification (pg_notify), which PostgreSQL delivers to every listening
 *     replica when the transaction commits, and never if it does not.
 * Its parts touch different rows (the events of locked aggregates, claimed values, locked
 * documents), so the order in which PostgreSQL runs them does not matter.
 */
import type { AggregateRef } from "./event.js";
import type { DocumentChange, DocumentRef, ProjectedEvent } from "./projection.js";
import type { Pipeline } from "./postgres-pipeline.js";
import type { UniqueConstraint } from "./store.js";

/** An aggregate the command read at a sequence that must still hold at the commit. */
export interface SequenceCheck {
  readonly aggregate: AggregateRef;
  readonly expectedSequence: number;
}

export interface ReadUnderLocks {
  readonly createdAt: Date;
  /** The documents that exist, by projection and key. */
  readonly documents: readonly (DocumentRef & { readonly state: unknown })[];
}

export interface WriteRequest {
  readonly checks: readonly SequenceCheck[];
  /** Numbered in their aggregates. */
  readonly events: readonly ProjectedEvent[];
  /** Sorted, so that concurrent claimants take the rows in one order. */
  readonly claims: readonly UniqueConstraint[];
  readonly changes: readonly DocumentChange[];
  readonly channel: string;
}

export interface Written {
  /** The first check that failed, if any (and then no event was inserted). */
  readonly moved: AggregateRef | undefined;
  /** The position of each inserted event, in the order of the request's events. */
  readonly positions: readonly number[];
  /** The claims that were not taken by someone else. */
  readonly claimed: readonly UniqueConstraint[];
}

const READ = `
  SELECT date_trunc('milliseconds', clock_timestamp()) AS created_at,
         (SELECT json_agg(json_build_array(d.projection, d.key, d.state))
            FROM unnest($1::text[], $2::text[]) AS w (projection, key)
            JOIN projection_documents d ON d.projection = w.projection AND d.key = w.key) AS documents`;

const WRITE = `
  WITH moved AS MATERIALIZED (
    SELECT c.n FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS c (aggregate_type, aggregate_id, expected, n)
    WHERE c.expected <> (SELECT COALESCE(max(e.sequence), 0) FROM events e
                         WHERE e.aggregate_type = c.aggregate_type AND e.aggregate_id = c.aggregate_id)
  ), inserted AS (
    INSERT INTO events (aggregate_type, aggregate_id, sequence, type, payload, resource_owner, creator, created_at)
    SELECT e.aggregate_type, e.aggregate_id, e.sequence, e.type, e.payload::json, e.resource_owner, e.creator, e.created_at
    FROM unnest($4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])
         WITH ORDINALITY AS e (aggregate_type, aggregate_id, sequence, type, payload, resource_owner, creator, created_at, n)
    WHERE NOT EXISTS (SELECT FROM moved)
    ORDER BY e.n
    RETURNING aggregate_type, aggregate_id, sequence, position
  ), claimed AS (
    INSERT INTO unique_constraints (kind, value) SELECT * FROM unnest($12::text[], $13::text[]) AS c (kind, value)
    ON CONFLICT DO NOTHING RETURNING kind, value
  ), changes AS (
    SELECT * FROM unnest($14::text[], $15::text[], $16::text[]) AS c (projection, key, state)
  ), saved AS (
    INSERT INTO projection_documents (projection, key, state)
    SELECT projection, key, state::json FROM changes WHERE state IS NOT NULL
    ON CONFLICT (projection, key) DO UPDATE SET state = excluded.state
  ), deleted AS (
    DELETE FROM projection_documents d USING changes c
    WHERE c.state IS NULL AND d.projection = c.projection AND d.key = c.key
  ), notified AS MATERIALIZED (
    SELECT pg_notify($17, '') WHERE cardinality($7::text[]) > 0 AND NOT EXISTS (SELECT FROM moved)
  )
  SELECT (SELECT min(n) FROM moved) AS moved,
         (SELECT json_agg(json_build_array(aggregate_type, aggregate_id, sequence, position)) FROM inserted) AS inserted,
         (SELECT json_agg(json_build_array(kind, value)) FROM claimed) AS claimed,
         (SELECT count(*) FROM notified) AS notified`;

/** Reads the clock and the documents (named: prepared once per connection). */
export async function readUnderLocks(pipeline: Pipeline, documents: readonly DocumentRef[]): Promise<ReadUnderLocks> {
  const { rows } = await pipeline.send<{ created_at: Date; documents: [string, string, unknown][] | null }>({
    name: "lps-read-under-locks",
    text: READ,
    values: [documents.map((d) => d.projection), documents.map((d) => d.key)],
  });
  const row = rows[0]!;
  return { createdAt: row.created_at, documents: (row.documents ?? []).map(([projection, key, state]) => ({ projection, key, state })) };
}

/**
 * Writes the push (named: prepared once per connection), and commits right behind it, in
 * the same round trip, when nothing the write can answer would call for a rollback instead:
 * no sequence to check, no value to claim. (A write that fails aborts the transaction, and
 * the COMMIT behind it rolls back.)
 */
export async function write(pipeline: Pipeline, request: WriteRequest): Promise<Written> {
  const { checks, events, claims, changes } = request;
  const written = pipeline.send<WriteRow>({
    name: "lps-write",
    text: WRITE,
    values: [
      checks.map((c) => c.aggregate.type),
      checks.map((c) => c.aggregate.id),
      checks.map((c) => c.expectedSequence),
      events.map((e) => e.aggregate.type),
      events.map((e) => e.aggregate.id),
      events.map((e) => e.sequence),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.resourceOwner),
      events.map((e) => e.creator),
      events.map((e) => e.createdAt),
      claims.map((c) => c.kind),
      claims.map((c) => c.value),
      changes.map((c) => c.projection),
      changes.map((c) => c.key),
      changes.map((c) => (c.state === undefined ? null : JSON.stringify(c.state))),
      request.channel,
    ],
  });
  if (checks.length === 0 && claims.length === 0) void pipeline.committed();
  const row = (await written).rows[0]!;
  const positions = new Map((row.inserted ?? []).map(([type, id, sequence, position]) => [eventKey({ type, id }, sequence), position]));
  return {
    moved: row.moved === null ? undefined : checks[Number(row.moved) - 1]!.aggregate,
    positions: events.map((e) => positions.get(eventKey(e.aggregate, e.sequence))!),
    claimed: (row.claimed ?? []).map(([kind, value]) => ({ kind, value })),
  };
}

interface WriteRow {
  moved: string | null;
  inserted: [string, string, number, number][] | null;
  claimed: [string, string][] | null;
}

const eventKey = (aggregate: AggregateRef, sequence: number) => JSON.stringify([aggregate.type, aggregate.id, sequence]);
