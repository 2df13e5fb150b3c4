/**
 * A PostgreSQL push's appends, checks, claims and document loads in one statement, sent
 * once every lock they need is held (see postgres-locks.ts), so that it reads after them:
 *   - the clock, once, for every event of the push (see the top of postgres.ts);
 *   - the sequence of each aggregate whose position the transaction does not know yet under
 *     its lock, compared with what the command expected; if any moved on, nothing is
 *     inserted (and the caller rolls back);
 *   - the events, numbered on from the expected sequences, in the order of the push;
 *   - the claimed unique values: a claim waits for a concurrent claimant of the same value
 *     to finish and comes back empty if it committed;
 *   - the current state of the documents the events change that the transaction has not
 *     read yet under their locks;
 *   - the commit notification (pg_notify), which PostgreSQL delivers to every listening
 *     replica when the transaction commits, and never if it does not.
 * Before, each was a statement, and so a round trip, of its own.
 */
import type pg from "pg";
import type { AggregateRef } from "./event.js";
import type { DocumentRef, EventToStore } from "./projection.js";
import type { UniqueConstraint } from "./store.js";

/** An aggregate the command read at a sequence that must still hold at the commit. */
export interface SequenceCheck {
  readonly aggregate: AggregateRef;
  readonly expectedSequence: number;
}

export interface AppendRequest {
  readonly checks: readonly SequenceCheck[];
  /** Numbered in their aggregates. */
  readonly events: readonly EventToStore[];
  /** Sorted, so that concurrent claimants take the rows in one order. */
  readonly claims: readonly UniqueConstraint[];
  readonly documents: readonly DocumentRef[];
  readonly channel: string;
}

export interface Appended {
  readonly createdAt: Date;
  /** The first check that failed, if any (and then nothing was inserted). */
  readonly moved: AggregateRef | undefined;
  /** The position of each inserted event, in the order of the request's events. */
  readonly positions: readonly number[];
  /** The claims that were not taken by someone else. */
  readonly claimed: readonly UniqueConstraint[];
  /** The documents read, by projection and key; a document that does not exist is absent. */
  readonly documents: readonly (DocumentRef & { readonly state: unknown })[];
}

const APPEND = `
  WITH now AS MATERIALIZED (
    SELECT date_trunc('milliseconds', clock_timestamp()) AS at
  ), moved AS MATERIALIZED (
    SELECT c.n FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS c (aggregate_type, aggregate_id, expected, n)
    WHERE c.expected <> (SELECT COALESCE(max(e.sequence), 0) FROM events e
                         WHERE e.aggregate_type = c.aggregate_type AND e.aggregate_id = c.aggregate_id)
  ), inserted AS (
    INSERT INTO events (aggregate_type, aggregate_id, sequence, type, payload, resource_owner, creator, created_at)
    SELECT e.aggregate_type, e.aggregate_id, e.sequence, e.type, e.payload::json, e.resource_owner, e.creator, now.at
    FROM unnest($4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[])
         WITH ORDINALITY AS e (aggregate_type, aggregate_id, sequence, type, payload, resource_owner, creator, n), now
    WHERE NOT EXISTS (SELECT FROM moved)
    ORDER BY e.n
    RETURNING aggregate_type, aggregate_id, sequence, position
  ), claimed AS (
    INSERT INTO unique_constraints (kind, value) SELECT * FROM unnest($11::text[], $12::text[]) AS c (kind, value)
    ON CONFLICT DO NOTHING RETURNING kind, value
  ), notified AS MATERIALIZED (
    SELECT pg_notify($15, '') WHERE cardinality($7::text[]) > 0 AND NOT EXISTS (SELECT FROM moved)
  )
  SELECT (SELECT at FROM now) AS created_at,
         (SELECT min(n) FROM moved) AS moved,
         (SELECT json_agg(json_build_array(aggregate_type, aggregate_id, sequence, position)) FROM inserted) AS inserted,
         (SELECT json_agg(json_build_array(kind, value)) FROM claimed) AS claimed,
         (SELECT json_agg(json_build_array(d.projection, d.key, d.state))
            FROM unnest($13::text[], $14::text[]) AS w (projection, key)
            JOIN projection_documents d ON d.projection = w.projection AND d.key = w.key) AS documents,
         (SELECT count(*) FROM notified) AS notified`;

interface AppendRow {
  created_at: Date;
  moved: string | null;
  inserted: [string, string, number, number][] | null;
  claimed: [string, string][] | null;
  documents: [string, string, unknown][] | null;
}

/** Runs the statement (named: prepared once per connection). One round trip. */
export async function append(client: pg.PoolClient, request: AppendRequest): Promise<Appended> {
  const { events, checks, claims, documents } = request;
  const { rows } = await client.query<AppendRow>({
    name: "lps-append",
    text: APPEND,
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
      claims.map((c) => c.kind),
      claims.map((c) => c.value),
      documents.map((d) => d.projection),
      documents.map((d) => d.key),
      request.channel,
    ],
  });
  const row = rows[0]!;
  const positions = new Map((row.inserted ?? []).map(([type, id, sequence, position]) => [eventKey({ type, id }, sequence), position]));
  return {
    createdAt: row.created_at,
    moved: row.moved === null ? undefined : checks[Number(row.moved) - 1]!.aggregate,
    positions: events.map((e) => positions.get(eventKey(e.aggregate, e.sequence))!),
    claimed: (row.claimed ?? []).map(([kind, value]) => ({ kind, value })),
    documents: (row.documents ?? []).map(([projection, key, state]) => ({ projection, key, state })),
  };
}

const eventKey = (aggregate: AggregateRef, sequence: number) => JSON.stringify([aggregate.type, aggregate.id, sequence]);
