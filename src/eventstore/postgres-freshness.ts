/**
 * Documents of a PostgreSQL database kept in a replica's memory, exact for every read call.
 *
 * What a write acknowledged by one replica promises is that every replica reads it next. So
 * each read call, at its first read, makes one check that also brings what changed: one
 * statement that returns the current state of every document changed by transactions the
 * memory may not have seen, together with the documents the call named up front (see
 * read-scope.ts) that memory does not hold. The call's other reads come from memory.
 *
 * Which transactions have not been seen. Event positions cannot say: a position is taken
 * when a transaction inserts, not when it commits, so a transaction holding a lower
 * position can commit after one holding a higher one, and a reader that remembered "up to
 * position N" would never look back at it. Transaction IDs can: every change of a document
 * records the ID of the transaction that made it (document_changes.tx, kept by a trigger),
 * and each check remembers
 * the xmin of the snapshot it read in, the oldest transaction still running then. Every
 * transaction below that xmin had ended when the check read, so its changes were in what
 * the check brought; every change the check could not see was made by a transaction at or
 * above that xmin (running then, or started after), and a later writer of the same
 * document, which replaces the row's tx, committed later still (it waited for the
 * document's lock, or the row's). So the next check asks for
 * the documents whose tx is at or above the last xmin, and misses none. It re-reads the
 * changes of transactions that ended between the two snapshots, which is harmless: it
 * reads current states, never deltas.
 *
 * Order. Checks run one at a time, each sent after the one before was applied, so memory
 * only ever moves forward. A call that arrives while a check is on its way waits for the
 * next one (the one in flight may have read before the call's writes were acknowledged),
 * which carries every call that arrived meanwhile: one round trip for all of them.
 *
 * A document the call did not name, or that memory dropped meanwhile (it is bounded), is
 * read with one more statement; its state is kept only if no check was applied while it
 * was on its way (else it might be older than what that check applied).
 *
 * Bulk changes. A check brings at most CHECK_CHANGES changed documents. If there were more
 * (another process imported many organizations, say), memory is emptied instead: bringing
 * them all would hold them all in memory at once, and most would not be read soon. The
 * documents the calls named are still brought; what memory held of the others is dropped
 * with it, and those are read on their own.
 */
import type pg from "pg";
import type { DocumentCache } from "./document-cache.js";
import { documentId, type DocumentRef } from "./projection.js";
import { isKeyedByField, type KeyedByField, type ReadScope, type WantedDocument } from "./read-scope.js";

/** Runs one named (prepared) statement and returns its rows. */
export type ReadStatement = <R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) => Promise<R[]>;

interface Known {
  readonly state: unknown;
}

/** The check, in one statement and so one snapshot; see above. */
const CHECK = `
  WITH changed AS (
    SELECT 'changed' AS kind, c.projection, c.key, d.state
    FROM document_changes c LEFT JOIN projection_documents d ON d.projection = c.projection AND d.key = c.key
    WHERE c.tx >= $1::xid8
    LIMIT $8
  ), named AS (
    SELECT 'wanted' AS kind, w.projection, w.key, d.state
    FROM unnest($2::text[], $3::text[]) AS w (projection, key)
    LEFT JOIN projection_documents d ON d.projection = w.projection AND d.key = w.key
  ), keyed_by_field AS (
    SELECT 'wanted' AS kind, w.projection, s.state ->> w.field AS key, d.state
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS w (projection, source_projection, source_key, field)
    JOIN projection_documents s ON s.projection = w.source_projection AND s.key = w.source_key
    LEFT JOIN projection_documents d ON d.projection = w.projection AND d.key = s.state ->> w.field
    WHERE s.state ->> w.field IS NOT NULL
  )
  SELECT * FROM changed UNION ALL SELECT * FROM named UNION ALL SELECT * FROM keyed_by_field
  UNION ALL SELECT 'horizon', NULL, pg_snapshot_xmin(pg_current_snapshot())::text, NULL`;

const FETCH = "SELECT state FROM projection_documents WHERE projection = $1 AND key = $2";

/** Changed documents a check brings at most; after more, memory is emptied (see above). */
export const CHECK_CHANGES = 1000;

/** Where checks start: the xmin of a snapshot taken when memory was empty. */
export const HORIZON = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon";

interface CheckRow {
  kind: "changed" | "wanted" | "horizon";
  projection: string | null;
  key: string;
  state: unknown;
}

/** The calls that share one check, and what they wanted. */
class Batch {
  readonly wanted: WantedDocument[] = [];
  readonly done: Promise<Map<string, Known>>;
  resolve!: (documents: Map<string, Known>) => void;
  reject!: (error: unknown) => void;

  constructor() {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A caller that is gone by the time the check fails must not leave a rejection unhandled.
    this.done.catch(() => {});
  }
}

export class FreshDocuments {
  /** The xmin of the last check's snapshot: transactions below it are in memory. */
  private horizon: string;
  /** Counts applied checks, so that a single read can tell whether one overtook it. */
  private applied = 0;
  private next: Batch | undefined;
  private checking = false;

  constructor(
    private readonly cache: DocumentCache,
    private readonly statement: ReadStatement,
    horizon: string,
  ) {
    this.horizon = horizon;
  }

  /** One document, fresh for the call it is read in (or, outside any, checked now). */
  async document(ref: DocumentRef, scope: ReadScope | undefined): Promise<unknown> {
    const id = documentId(ref);
    if (!scope) return (await this.check([ref])).get(id)?.state;
    if (!scope.checked) {
      const checked = this.check([...scope.wanted, ref]).then((documents) => {
        for (const [key, known] of documents) scope.documents.set(key, known);
      });
      scope.checked = checked;
      checked.catch(() => {
        if (scope.checked === checked) scope.checked = undefined;
      });
    }
    await scope.checked;
    const known = scope.documents.get(id) ?? this.cache.get(id);
    if (known) return known.state;
    const state = await this.fetch(ref);
    scope.documents.set(id, { state });
    return state;
  }

  private async fetch(ref: DocumentRef): Promise<unknown> {
    const applied = this.applied;
    const rows = await this.statement<{ state: unknown }>("lps-document", FETCH, [ref.projection, ref.key]);
    const state = rows[0]?.state;
    if (applied === this.applied) this.cache.set(documentId(ref), state);
    return state;
  }

  /** Joins the next check, and starts it unless one is on its way. */
  private check(wanted: readonly WantedDocument[]): Promise<Map<string, Known>> {
    const batch = (this.next ??= new Batch());
    batch.wanted.push(...wanted);
    if (!this.checking) void this.drain();
    return batch.done;
  }

  private async drain(): Promise<void> {
    this.checking = true;
    try {
      while (this.next) {
        const batch = this.next;
        this.next = undefined;
        await this.run(batch).catch((error: unknown) => batch.reject(error));
      }
    } finally {
      this.checking = false;
    }
  }

  private async run(batch: Batch): Promise<void> {
    // What memory holds of the wanted documents now: what this check brings (changed) goes
    // over it, and it answers the calls even if the documents this check brings push it
    // out of memory.
    const held = new Map<string, Known>();
    const heldOrCached = (id: string) => held.get(id) ?? this.cache.get(id);
    const named = new Map<string, DocumentRef>();
    const keyedByField = new Map<string, KeyedByField>();
    for (const wanted of batch.wanted) {
      const ref = isKeyedByField(wanted) ? keyOf(wanted, heldOrCached) : wanted;
      if (ref === undefined && isKeyedByField(wanted)) keyedByField.set(JSON.stringify(wanted), wanted);
      if (!ref) continue;
      const id = documentId(ref);
      const known = heldOrCached(id);
      if (known) held.set(id, known);
      else named.set(id, ref);
    }
    const rows = await this.statement<CheckRow>("lps-check", CHECK, [
      this.horizon,
      [...named.values()].map((ref) => ref.projection),
      [...named.values()].map((ref) => ref.key),
      [...keyedByField.values()].map((wanted) => wanted.projection),
      [...keyedByField.values()].map((wanted) => wanted.keyFrom.projection),
      [...keyedByField.values()].map((wanted) => wanted.keyFrom.key),
      [...keyedByField.values()].map((wanted) => wanted.keyFrom.field),
      CHECK_CHANGES + 1,
    ]);
    // From here to the end nothing awaits: memory moves to the check's snapshot at once.
    if (rows.filter((row) => row.kind === "changed").length > CHECK_CHANGES) {
      this.cache.clear();
      held.clear();
    }
    const fresh = new Map<string, Known>();
    for (const row of rows) {
      if (row.kind === "horizon") {
        this.horizon = row.key;
        continue;
      }
      const id = documentId({ projection: row.projection!, key: row.key });
      const state = row.state ?? undefined;
      fresh.set(id, { state });
      if (row.kind === "wanted") this.cache.set(id, state);
      else this.cache.refresh(id, state);
    }
    this.applied++;
    const current = (id: string) => fresh.get(id) ?? held.get(id) ?? this.cache.get(id);
    const documents = new Map<string, Known>();
    for (const wanted of batch.wanted) {
      const ref = isKeyedByField(wanted) ? keyOf(wanted, current) : wanted;
      if (!ref) continue;
      const known = current(documentId(ref));
      if (known) documents.set(documentId(ref), known);
    }
    batch.resolve(documents);
  }
}

/**
 * The document a field of another names: undefined when the other is not known here, null
 * when it is known not to name one (it does not exist, or has no such field).
 */
function keyOf(wanted: KeyedByField, known: (id: string) => Known | undefined): DocumentRef | null | undefined {
  const source = known(documentId(wanted.keyFrom));
  if (!source) return undefined;
  const key = (source.state as Record<string, unknown> | undefined)?.[wanted.keyFrom.field];
  return typeof key === "string" ? { projection: wanted.projection, key } : null;
}
