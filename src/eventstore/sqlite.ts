/**
 * The embedded engine: one SQLite file through better-sqlite3, in WAL mode with
 * synchronous=FULL so that an acknowledged write survives the process being killed (and
 * the machine losing power). better-sqlite3 is synchronous; each method runs one short
 * transaction, so the event loop is held for the commit's fsync, never across a network wait.
 *
 * Writes commit in groups (see sqlite-group-commit.ts): the calls that arrive together share
 * one transaction and one fsync, each in a savepoint of its own with its own sequence check,
 * decision and unique claims, so one call's conflict or refusal fails that call alone. Every
 * call is answered only once the commit holding it is durable.
 *
 * Every method first checks that the file it has open is still the database at its path
 * (see sqlite-file.ts), and a write checks again after its commit, before it is answered:
 * a store whose file was deleted, replaced or made read-only answers StoreUnavailable, and
 * so does one whose disk is full or failing, rather than acknowledge a write it cannot keep.
 *
 * Documents are read from memory (DocumentCache, least recently used first out), kept exact:
 * this store's own commits update it, and before a call's first read (and every read outside
 * a call) the store asks SQLite whether another connection (the operator CLI, a second
 * server) committed since it last looked
 * (`PRAGMA data_version`, a counter in shared memory, no disk read); if so, it reads the
 * events appended since the last position it saw and drops every document they touch. A
 * call whose request arrived before the last such look began needs no look of its own: that
 * one saw every commit made before the caller sent the request. So a token the CLI revokes
 * is refused on the very next call.
 *
 * Commit listeners (onCommit) hear of this store's own commits at once, and of other
 * connections' by the same counter, polled every COMMIT_POLL_MS while anyone listens.
 */
import Database from "better-sqlite3";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { deepFreeze } from "../deep-freeze.js";
import type { AggregateRef, StoredEvent } from "./event.js";
import { CommitFeed } from "./commit-feed.js";
import { DEFAULT_CACHED_DOCUMENTS, DocumentCache } from "./document-cache.js";
import { documentId, documentsTouched, reduceDocuments, type DocumentChange, type DocumentRef, type Projection } from "./projection.js";
import { isSqliteError, translateSqliteError } from "./sqlite-errors.js";
import type { CacheUse } from "../metrics/store-observer.js";
import { SqliteFile } from "./sqlite-file.js";
import { CHECKED, type ReadScope } from "./read-scope.js";
import { GroupCommit, type Outcome } from "./sqlite-group-commit.js";
import { sqliteMigrations } from "./sqlite-migrations.js";
import {
  SequenceConflict,
  StoreUnavailable,
  UniqueConstraintTaken,
  type Decision,
  type Document,
  type EventFilter,
  type EventStore,
  type PushRequest,
  type Snapshot,
  type SnapshotRef,
} from "./store.js";
import { eventSearchSql, type SqlDialect } from "./event-search-sql.js";

/** What a push wrote: its events, and the documents they changed. */
interface Written {
  readonly stored: StoredEvent[];
  readonly changes: DocumentChange[];
}

interface EventRow {
  position: number;
  aggregate_type: string;
  aggregate_id: string;
  sequence: number;
  type: string;
  payload: string;
  resource_owner: string;
  creator: string;
  created_at: string;
}

/** How long a writer waits for another process's write lock (the CLI and the server). */
const BUSY_TIMEOUT_MS = 5000;

/** How often data_version is asked for other processes' commits while commit listeners exist. */
export const COMMIT_POLL_MS = 100;

/** Other connections' events a look sorts out one by one at most; after more, memory is emptied instead. */
export const CATCH_UP_EVENTS = 1000;

/** Write calls committed together at most: bounds how long one commit holds the event loop. */
export const MAX_BATCH = 64;

export class SqliteEventStore implements EventStore {
  readonly engine = "sqlite";
  private readonly db: Database.Database;
  private readonly statements;
  /** The opened file, to notice it being deleted, replaced or made read-only; none in memory. */
  private readonly file: SqliteFile | undefined;
  private readonly cache: DocumentCache;
  /** The data_version when the cache last caught up with other connections' commits. */
  private seenDataVersion: number;
  /** The position of the last event the cache has accounted for. */
  private seenPosition: number;
  /** When (performance.now()) the last look for other connections' commits began. */
  private lookedAt = -Infinity;
  /** Write calls waiting to share the next commit. */
  private readonly writes = new GroupCommit(MAX_BATCH, (batch: readonly (() => Written)[]) => this.commitBatch(batch));
  /** Runs a batch's calls in its IMMEDIATE transaction (see commitBatch). */
  private readonly batchTransaction: Database.Transaction<(writes: readonly (() => Written)[]) => Outcome<Written>[]>;
  /**
   * The documents the batch being committed has changed so far, in the calls that
   * succeeded, by document ID: what the next call of the batch finds, and what the batch
   * writes once, at its end, however many of its calls changed a document.
   */
  private readonly batchChanges = new Map<string, DocumentChange>();
  private commits = 0;
  /** Tells commit listeners (watch streams) of this process's commits and other processes'. */
  private readonly commitFeed: CommitFeed;

  constructor(
    path: string,
    private readonly projections: readonly Projection[],
    cacheCapacity = DEFAULT_CACHED_DOCUMENTS,
  ) {
    const isNew = path !== ":memory:" && !existsSync(path);
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // It holds token hashes and who did what: for the service's user only. SQLite gives its
    // -wal and -shm files the same mode.
    if (isNew) chmodSync(path, 0o600);
    this.file = path === ":memory:" ? undefined : new SqliteFile(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // What SQLite keeps besides the database's own files (a call's savepoint journal, which
    // it otherwise spills to a file in /var/tmp or /tmp once it passes 64 KiB) stays in
    // memory: a read-only root file system, with a volume for the database, is enough.
    this.db.pragma("temp_store = MEMORY");
    this.migrate();
    this.statements = this.prepare();
    this.batchTransaction = this.db.transaction((writes: readonly (() => Written)[]) => {
      this.catchUp();
      this.batchChanges.clear();
      try {
        const outcomes = writes.map((write) => this.inSavepoint(write));
        this.saveBatchChanges();
        return outcomes;
      } finally {
        this.batchChanges.clear();
      }
    });
    this.cache = new DocumentCache(cacheCapacity);
    this.seenDataVersion = this.statements.dataVersion.get() as number;
    this.seenPosition = this.statements.lastPosition.get() as number;
    this.commitFeed = new CommitFeed(this.dataVersionPoll());
  }

  /** Notifies commit listeners when another connection's commit moved data_version. */
  private dataVersionPoll() {
    let timer: NodeJS.Timeout | undefined;
    let polled = 0;
    const poll = () => {
      try {
        this.checkFile();
        const dataVersion = this.statements.dataVersion.get() as number;
        if (dataVersion === polled) return;
        polled = dataVersion;
      } catch {
        // A database gone or failing is health's to report; listeners hear when it is back.
        return;
      }
      this.commitFeed.notify();
    };
    return {
      start: () => {
        polled = this.statements.dataVersion.get() as number;
        timer = setInterval(poll, COMMIT_POLL_MS).unref();
      },
      stop: () => clearInterval(timer),
    };
  }

  onCommit(listener: () => void): () => void {
    return this.commitFeed.subscribe(listener);
  }

  private migrate(): void {
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
    // IMMEDIATE takes the write lock first, so two processes starting together apply each
    // step once.
    this.db
      .transaction(() => {
        const applied = new Set(
          this.db.prepare("SELECT version FROM schema_migrations").pluck().all() as number[],
        );
        for (const step of sqliteMigrations) {
          if (applied.has(step.version)) continue;
          this.db.exec(step.sql);
          this.db
            .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
            .run(step.version, step.name, new Date().toISOString());
        }
      })
      .immediate();
  }

  private prepare() {
    const db = this.db;
    return {
      currentSequence: db
        .prepare("SELECT COALESCE(MAX(sequence), 0) FROM events WHERE aggregate_type = ? AND aggregate_id = ?")
        .pluck(),
      insertEvent: db.prepare(
        `INSERT INTO events (aggregate_type, aggregate_id, sequence, type, payload, resource_owner, creator, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      claim: db.prepare("INSERT OR IGNORE INTO unique_constraints (kind, value) VALUES (?, ?)"),
      release: db.prepare("DELETE FROM unique_constraints WHERE kind = ? AND value = ?"),
      document: db.prepare("SELECT state FROM projection_documents WHERE projection = ? AND key = ?").pluck(),
      documents: db.prepare("SELECT key, state FROM projection_documents WHERE projection = ? ORDER BY key"),
      saveDocument: db.prepare(
        `INSERT INTO projection_documents (projection, key, state) VALUES (?, ?, ?)
         ON CONFLICT (projection, key) DO UPDATE SET state = excluded.state`,
      ),
      deleteDocument: db.prepare("DELETE FROM projection_documents WHERE projection = ? AND key = ?"),
      savepoint: db.prepare("SAVEPOINT call"),
      releaseSavepoint: db.prepare("RELEASE call"),
      rollbackToSavepoint: db.prepare("ROLLBACK TO call"),
      dataVersion: db.prepare("PRAGMA data_version").pluck(),
      lastPosition: db.prepare("SELECT COALESCE(MAX(position), 0) FROM events").pluck(),
      eventsAfter: db.prepare("SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?"),
      events: db.prepare(
        `SELECT * FROM events WHERE aggregate_type = ? AND aggregate_id = ? AND sequence > ? ORDER BY sequence`,
      ),
    };
  }

  /** Write transactions committed so far: write calls over commits is what group commit saves. */
  get commitCount(): number {
    return this.commits;
  }

  async push(request: PushRequest): Promise<StoredEvent[]> {
    return this.writes.submit(() => this.pushInTransaction(request));
  }

  async decide<S>(aggregate: AggregateRef, projection: string, key: string, decide: Decision<S>, alongside?: SnapshotRef): Promise<StoredEvent[]> {
    // Inside the batch's IMMEDIATE transaction, after the calls before it in the batch: no
    // process can commit in between, and the decision sees what those calls wrote.
    return this.writes.submit(() => {
      const model = this.writeModel<S>(aggregate, projection, key);
      return this.pushInTransaction(decide(model, alongside && this.writeModel<S>(alongside.aggregate, alongside.projection, alongside.key)));
    });
  }

  /**
   * Runs a batch of writes in one IMMEDIATE transaction, each in a savepoint of its own, and
   * returns once it is durably committed. A write that fails (a sequence conflict, a value
   * taken, a decision that refuses) is rolled back alone and fails alone; a fault of the
   * database fails the whole batch, and nothing of it is committed. The cache catches up
   * inside the transaction, where no other connection can commit, and takes the documents
   * the successful writes changed only after the commit, so it holds exactly what the
   * database holds. Meanwhile calls read their documents from memory too: as the batch's
   * earlier calls left them (batchChanges), else as committed (the cache), else from SQLite;
   * and the documents are written at the batch's end, each once, in the same transaction.
   */
  private commitBatch(writes: readonly (() => Written)[]): Outcome<StoredEvent[]>[] {
    return this.usingFile("now", () => {
      const outcomes = this.batchTransaction.immediate(writes);
      this.commits++;
      for (const outcome of outcomes) {
        if (!outcome.ok) continue;
        const { stored, changes } = outcome.value;
        for (const change of changes) this.cache.set(documentId(change), change.state);
        if (stored.length > 0) this.seenPosition = stored.at(-1)!.position;
      }
      // Committed, but to a file that may have gone meanwhile: answer only if it is still there.
      this.checkFile();
      if (outcomes.some((outcome) => outcome.ok && outcome.value.stored.length > 0)) this.commitFeed.notify();
      return outcomes.map((outcome) => (outcome.ok ? { ok: true, value: outcome.value.stored } : outcome));
    });
  }

  /**
   * Runs one call's write in a savepoint of its own. What SQLite raises is the database's
   * fault and the whole batch's: it goes up untouched, to roll back the transaction whole,
   * with no partial rollback attempted on a database in trouble. Anything else is the call's
   * own (its sequence conflict, its taken value, its decision's refusal), undone alone.
   */
  private inSavepoint(write: () => Written): Outcome<Written> {
    const s = this.statements;
    s.savepoint.run();
    try {
      const written = write();
      s.releaseSavepoint.run();
      // Frozen: the calls after it share these states, and the cache keeps them.
      for (const change of written.changes) this.batchChanges.set(documentId(change), { ...change, state: deepFreeze(change.state) });
      return { ok: true, value: written };
    } catch (error) {
      if (isSqliteError(error) || !this.db.inTransaction) throw error;
      s.rollbackToSavepoint.run();
      s.releaseSavepoint.run();
      return { ok: false, error };
    }
  }

  /** Looks whether other connections committed since the last look, and forgets what they touched. */
  private catchUp(): void {
    const lookedAt = performance.now();
    const dataVersion = this.statements.dataVersion.get() as number;
    if (dataVersion !== this.seenDataVersion) this.forgetOtherCommits(dataVersion);
    this.lookedAt = lookedAt;
  }

  /**
   * Drops the cached documents that other connections' commits since the last look touched.
   * A commit that appended no event was no push of this service's (a repair, a restore, a
   * hand edit): nobody can tell what it changed, so the whole cache goes. So it does after
   * more than CATCH_UP_EVENTS events (a bulk import by another process): emptying memory is
   * cheaper than sorting out what they touched, and reading them all at once would hold
   * them all in memory. Nothing runs in between (the driver is synchronous), and a commit
   * made meanwhile by another process changes data_version again: the next look finds no
   * event after the new position, and empties memory once more.
   */
  private forgetOtherCommits(dataVersion: number): void {
    const rows = this.statements.eventsAfter.all(this.seenPosition, CATCH_UP_EVENTS + 1) as EventRow[];
    if (rows.length === 0 || rows.length > CATCH_UP_EVENTS) {
      this.cache.clear();
      this.seenPosition = this.statements.lastPosition.get() as number;
    } else {
      const events = rows.map(toStoredEvent);
      for (const ref of documentsTouched(this.projections, events)) this.cache.delete(documentId(ref));
      this.seenPosition = events.at(-1)!.position;
    }
    this.seenDataVersion = dataVersion;
  }

  /**
   * A call checks for other connections' commits at its first read, unless a look began
   * after its request arrived; its later reads (four or five documents a call) rely on that
   * check, as they would on a snapshot taken then. Reads outside any call's scope check
   * every time.
   */
  private catchUpOnceFor(scope: ReadScope | undefined): void {
    if (scope?.checked) return;
    if (!scope || scope.receivedAt >= this.lookedAt) this.catchUp();
    if (scope) scope.checked = CHECKED;
  }

  private pushInTransaction(request: PushRequest): Written {
    const s = this.statements;
    const createdAt = new Date();
    const stored: StoredEvent[] = [];
    for (const append of request.appends) {
      const { aggregate } = append;
      const current = s.currentSequence.get(aggregate.type, aggregate.id) as number;
      if (current !== append.expectedSequence) throw new SequenceConflict(aggregate);
      let sequence = current;
      for (const event of append.events) {
        sequence++;
        const result = s.insertEvent.run(
          aggregate.type,
          aggregate.id,
          sequence,
          event.type,
          JSON.stringify(event.payload),
          append.resourceOwner,
          request.creator,
          createdAt.toISOString(),
        );
        stored.push({
          ...event,
          aggregate,
          resourceOwner: append.resourceOwner,
          sequence,
          position: Number(result.lastInsertRowid),
          creator: request.creator,
          createdAt,
        });
      }
    }
    for (const constraint of request.release ?? []) s.release.run(constraint.kind, constraint.value);
    for (const constraint of request.claim ?? []) {
      if (s.claim.run(constraint.kind, constraint.value).changes === 0) throw new UniqueConstraintTaken(constraint);
    }
    return { stored, changes: this.project(stored) };
  }

  /** The documents the events change, and their new states; the batch writes them at its end. */
  private project(events: readonly StoredEvent[]): DocumentChange[] {
    const loaded = new Map<string, unknown>();
    for (const ref of documentsTouched(this.projections, events)) {
      const id = documentId(ref);
      const state = this.batchDocument(ref);
      if (state !== undefined) loaded.set(id, state);
    }
    return reduceDocuments(this.projections, events, loaded);
  }

  /** Writes each document the batch's successful calls changed, once, in the batch's transaction. */
  private saveBatchChanges(): void {
    const s = this.statements;
    for (const change of this.batchChanges.values()) {
      if (change.state === undefined) s.deleteDocument.run(change.projection, change.key);
      else s.saveDocument.run(change.projection, change.key, JSON.stringify(change.state));
    }
  }

  async events(aggregate: AggregateRef, afterSequence = 0): Promise<StoredEvent[]> {
    return this.usingFile("now", () => {
      const rows = this.statements.events.all(aggregate.type, aggregate.id, afterSequence) as EventRow[];
      return rows.map(toStoredEvent);
    });
  }

  async searchEvents(filter: EventFilter): Promise<StoredEvent[]> {
    const query = eventSearchSql(filter, "*", SQLITE_DIALECT);
    return this.usingFile("now", () => (this.db.prepare(query.text).all(...query.values) as EventRow[]).map(toStoredEvent));
  }

  async document<S>(projection: string, key: string, scope?: ReadScope): Promise<S | undefined> {
    return this.usingFile("recent", () => {
      this.catchUpOnceFor(scope);
      const id = documentId({ projection, key });
      const cached = this.cache.get(id);
      if (cached) return cached.state as S | undefined;
      const state = this.statements.document.get(projection, key) as string | undefined;
      const parsed = state === undefined ? undefined : (JSON.parse(state) as S);
      this.cache.set(id, parsed);
      return parsed;
    });
  }

  async documents<S>(projection: string): Promise<Document<S>[]> {
    return this.usingFile("now", () => {
      const rows = this.statements.documents.all(projection) as { key: string; state: string }[];
      return rows.map((row) => ({ key: row.key, state: JSON.parse(row.state) as S }));
    });
  }

  async snapshot<S>(aggregate: AggregateRef, projection: string, key: string): Promise<Snapshot<S>> {
    // One read transaction: another process cannot commit between the two reads.
    return this.usingFile("now", () => this.db.transaction(() => this.readSnapshot<S>(aggregate, projection, key))());
  }

  /** The write model of a call of the batch being committed: its aggregate's sequence and document. */
  private writeModel<S>(aggregate: AggregateRef, projection: string, key: string): Snapshot<S> {
    const sequence = this.statements.currentSequence.get(aggregate.type, aggregate.id) as number;
    return { sequence, state: this.batchDocument({ projection, key }) as S | undefined };
  }

  /**
   * A document as a call of the batch being committed finds it. The cache holds exactly what
   * is committed (it caught up when the transaction began, and no one else can commit until
   * it ends), and batchChanges what the batch changed since; only a document neither holds
   * is read from SQLite, and it is not cached: the cache takes what reads and commits give it.
   * Every state is frozen, as the cache's are: decisions and projections share them.
   */
  private batchDocument(ref: DocumentRef): unknown {
    const id = documentId(ref);
    const changed = this.batchChanges.get(id);
    if (changed) return changed.state;
    const cached = this.cache.get(id);
    if (cached) return cached.state;
    const state = this.statements.document.get(ref.projection, ref.key) as string | undefined;
    return state === undefined ? undefined : deepFreeze(JSON.parse(state));
  }

  private readSnapshot<S>(aggregate: AggregateRef, projection: string, key: string): Snapshot<S> {
    const sequence = this.statements.currentSequence.get(aggregate.type, aggregate.id) as number;
    const state = this.statements.document.get(projection, key) as string | undefined;
    return { sequence, state: state === undefined ? undefined : (JSON.parse(state) as S) };
  }

  /** The documents memory holds, and how reads fared there, for metrics. */
  cacheUse(): CacheUse {
    return this.cache.use();
  }

  async ping(): Promise<void> {
    this.usingFile("now", () => this.db.prepare("SELECT 1").get());
  }

  /**
   * Runs `work` on a file that is still the database, with SQLite's faults made
   * StoreUnavailable; "recent" takes a recent check's verdict (see sqlite-file.ts).
   */
  private usingFile<T>(check: "now" | "recent", work: () => T): T {
    const fault = check === "now" ? this.file?.fault() : this.file?.recentFault();
    if (fault) throw new StoreUnavailable(`the SQLite file was ${fault}`);
    try {
      return work();
    } catch (error) {
      throw translateSqliteError(error);
    }
  }

  private checkFile(): void {
    const fault = this.file?.fault();
    if (fault) throw new StoreUnavailable(`the SQLite file was ${fault}`);
  }

  async close(): Promise<void> {
    this.commitFeed.close();
    if (!this.db.open) return;
    this.writes.drain();
    this.db.close();
  }
}

/** Times are the ISO 8601 text the events table keeps. */
const SQLITE_DIALECT: SqlDialect = { parameter: () => "?", time: (at) => at.toISOString() };

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    aggregate: { type: row.aggregate_type, id: row.aggregate_id },
    resourceOwner: row.resource_owner,
    sequence: row.sequence,
    position: row.position,
    type: row.type,
    payload: JSON.parse(row.payload),
    creator: row.creator,
    createdAt: new Date(row.created_at),
  };
}
