/**
 * The engine for many replicas: one PostgreSQL database shared by every process, through
 * connections each process pools (node-postgres).
 *
 * Connections, sized from the load. Reads need one: a process makes one check at a time
 * (postgres-freshness.ts), which serves every read call that arrives meanwhile, so a second
 * connection would only idle. Writes need the rest: a write holds its connection for its
 * transaction, waits for an aggregate's lock included, so by Little's law a process needs
 * (writes per second) × (transaction time) of them, and concurrent commits are what
 * PostgreSQL flushes to disk together. Writers queued on one hot policy hold connections
 * while they wait; reads have their own, so they never wait behind them. LPS_DATABASE_POOL_SIZE
 * is the sum (one pool, shared, when it is 1).
 *
 * Concurrency. Replicas append to the same aggregates, and a projection document may be
 * changed by pushes to different aggregates. A push is one READ COMMITTED transaction that
 * first takes transaction-scoped advisory locks on what it will change, and reads only
 * after holding them:
 *   1. each aggregate it appends to, so that the expected-sequence check and the insert see
 *      the latest committed events (a concurrent writer waits, then finds it moved on); an
 *      aggregate it only checks (an append of no events) is locked shared, so checkers do
 *      not queue behind one another, only with its writers;
 *   2. each projection document its events touch, so that the read-modify-write of a
 *      document never starts from a state another transaction is replacing (READ COMMITTED
 *      alone would let the later writer overwrite the earlier one's change).
 * Advisory locks rather than SELECT ... FOR UPDATE because a document that does not exist
 * yet has no row to lock. A push takes its locks in one global order (aggregates, then
 * documents, each sorted: see postgres-locks.ts) and only then claims and releases unique
 * values (rows, sorted), so pushes cannot deadlock one another.
 * A command that decides on what it read (decide) takes its aggregate's lock, and its
 * write model document's, before it reads, so racing writers of one aggregate queue and
 * none has to decide again; what the read returned then holds until the commit, so the
 * push neither checks that sequence again nor reads that document again. Its other locks
 * (an aggregate it checks, another document) come after that document's, outside the
 * global order. A writer that waits for that document changes it, so appends to its
 * aggregate (a command's write model is its own aggregate's document) and waits for that
 * aggregate's lock first, before any document's: the one deadlock left is between
 * aggregates (a push holding an aggregate the decision then checks, waiting for the
 * decision's own), as before, and PostgreSQL breaks it, and the command decides again.
 * Why not SERIALIZABLE: it aborts every transaction that overlaps another (and some that
 * only share an index page), so writers of a hot policy or a shared document would redo
 * their work again and again; with locks they queue. The unique key on (aggregate,
 * sequence) stays as the last line of defence: a duplicate sequence fails the push as a
 * SequenceConflict, as do deadlocks and serialization failures should they ever happen.
 *
 * Round trips. A transaction sends its statements without waiting for the answers it does
 * not need yet (see postgres-pipeline.ts). A decision's transaction is two round trips:
 * BEGIN together with its first locks and the write model and the clock read under them;
 * then one statement that appends, saves the documents and queues the commit notification
 * (postgres-push-statements.ts), with COMMIT behind it. A write that checks a sequence (a
 * push checks every aggregate it appends to) or claims a unique value waits for the write's
 * answer before it commits, one more, as what it answers may call for a rollback. A push
 * sends its releases of unique values and its read (the clock, the documents its events
 * change) with its BEGIN and locks; a decision that needs locks beyond its own (an
 * aggregate it checks, another document) takes them, releases, and reads what they guard
 * in one more. The documents are reduced before the events are inserted,
 * which is why a projection never sees an event's position (see projection.ts).
 *
 * Time. The events of a push carry the database's clock, read once after the locks are
 * held and cut to milliseconds: one clock for every replica (their own clocks drift), so an
 * aggregate's events are in time order whichever replica wrote them; and a value that a
 * JavaScript Date holds exactly, so createdAt reads back exactly as the write reported it.
 *
 * Reads. Documents are kept in memory (DocumentCache, bounded, least recently used first
 * out) and kept exact by one check per read call that also brings what changed (see
 * postgres-freshness.ts), so no replica answers from a state older than a write another
 * replica has acknowledged, and a read call makes one round trip.
 *
 * Statements on a call's path are named, so each connection parses and plans them once
 * (pg prepares a named statement on a connection the first time it runs there).
 *
 * Commits. A push that appends events NOTIFYs every replica from inside its transaction
 * (see postgres-commit-watch.ts), and tells this process's commit listeners itself once
 * it has committed.
 */
import pg from "pg";
import type { Logger } from "../logger.js";
import type { CacheUse, PoolUse } from "../metrics/store-observer.js";
import type { AggregateRef, StoredEvent } from "./event.js";
import { documentId, documentsTouched, reduceDocuments, type DocumentRef, type EventToStore, type ProjectedEvent, type Projection } from "./projection.js";
import { HeldLocks, locksFor, type AdvisoryLock } from "./postgres-locks.js";
import { Pipeline } from "./postgres-pipeline.js";
import { readUnderLocks, write, type SequenceCheck } from "./postgres-push-statements.js";
import { DEFAULT_CACHED_DOCUMENTS, DocumentCache } from "./document-cache.js";
import { FreshDocuments, HORIZON } from "./postgres-freshness.js";
import { isConflict, isUnavailable, reasonOf } from "./postgres-errors.js";
import { CommitFeed } from "./commit-feed.js";
import { COMMIT_CHANNEL, postgresCommitWatch } from "./postgres-commit-watch.js";
import type { ReadScope } from "./read-scope.js";
import { migratePostgres } from "./postgres-migrate.js";
import { APPLICATION_NAME, describeDatabase, untilReachable } from "./postgres-startup.js";
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
  type UniqueConstraint,
} from "./store.js";
import { eventSearchSql, type SqlDialect } from "./event-search-sql.js";

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize: number;
  readonly startupWaitMs: number;
  /** Documents kept in memory at most. */
  readonly cacheCapacity?: number;
}

/** Connecting, or waiting for a free connection of the pool, fails after this. */
const CONNECT_TIMEOUT_MS = 5_000;
/** The server cancels a statement (waits for locks included) that runs longer. */
const STATEMENT_TIMEOUT_MS = 10_000;
/** The client gives up on a statement after this: the server or the network went silent. */
const QUERY_TIMEOUT_MS = 15_000;
/** The server ends a session idle inside a transaction this long (its client vanished), freeing its locks. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;
/** ping() settles within this, so that health turns not-serving soon after the database is gone. */
const PING_TIMEOUT_MS = 3_000;
/** Connections kept for reads (see the top of this file). */
const READ_CONNECTIONS = 1;

export class PostgresEventStore implements EventStore {
  readonly engine = "postgres";
  private closed = false;

  /** Waits for the database (see untilReachable), migrates it, and opens the pool. */
  static async open(options: PostgresOptions, projections: readonly Projection[], logger: Logger): Promise<PostgresEventStore> {
    const database = describeDatabase(options.url);
    await untilReachable(() => migrate(options.url), { waitMs: options.startupWaitMs, database, logger });
    const connections = (max: number) => new pg.Pool({
      connectionString: options.url,
      max,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      keepAlive: true,
      application_name: APPLICATION_NAME,
      // A write transaction sends statements without waiting for the answers to those
      // before (see postgres-pipeline.ts); a read's one statement is the same either way.
      pipeline: true,
    });
    // An idle connection that breaks (the server restarted) is dropped, and a new one is
    // opened when needed; without this listener its error would end the process.
    const writes = connections(Math.max(1, options.poolSize - READ_CONNECTIONS));
    const pools: Pools = { writes, reads: options.poolSize > READ_CONNECTIONS ? connections(READ_CONNECTIONS) : writes };
    for (const pool of new Set([pools.reads, pools.writes])) {
      pool.on("error", (error) => logger.warn({ database, reason: reasonOf(error) }, "lost an idle PostgreSQL connection"));
    }
    let horizon: string;
    try {
      const { rows } = await pools.reads.query<{ horizon: string }>(HORIZON);
      horizon = rows[0]!.horizon;
    } catch (error) {
      await endPools(pools);
      throw storeError(error, undefined);
    }
    const commits = new CommitFeed(
      postgresCommitWatch({ url: options.url, applicationName: APPLICATION_NAME, logger, notify: () => commits.notify() }),
    );
    const cache = new DocumentCache(options.cacheCapacity ?? DEFAULT_CACHED_DOCUMENTS);
    return new PostgresEventStore(pools, projections, cache, horizon, commits);
  }

  private readonly fresh: FreshDocuments;

  private constructor(
    private readonly pools: Pools,
    private readonly projections: readonly Projection[],
    private readonly cache: DocumentCache,
    horizon: string,
    private readonly commits: CommitFeed,
  ) {
    this.fresh = new FreshDocuments(cache, (name, text, values) => this.read(text, values, name), horizon);
  }

  onCommit(listener: () => void): () => void {
    return this.commits.subscribe(listener);
  }

  /** The documents memory holds, and how reads fared there, for metrics. */
  cacheUse(): CacheUse {
    return this.cache.use();
  }

  /** The pool's connections and waiting queries now, for metrics. */
  poolUse(): PoolUse {
    const pools = [...new Set([this.pools.reads, this.pools.writes])];
    const sum = (count: (pool: pg.Pool) => number) => pools.reduce((total, pool) => total + count(pool), 0);
    return {
      total: sum((pool) => pool.totalCount),
      idle: sum((pool) => pool.idleCount),
      waiting: sum((pool) => pool.waitingCount),
      max: sum((pool) => pool.options.max ?? 10),
    };
  }

  async push(request: PushRequest): Promise<StoredEvent[]> {
    // Every event is known before the transaction, and so every document it changes: the
    // transaction begins holding all its locks, in one round trip.
    const touched = documentsTouched(this.projections, eventsToStore(request));
    const locks = locksFor(appendedTo(request), onlyChecked(request), touched);
    const conflictOn = request.appends[0]?.aggregate;
    return this.announced(await this.transaction(conflictOn, locks, (pipeline, held) => this.pushIn(pipeline, held, request, NOTHING_KNOWN)));
  }

  async decide<S>(aggregate: AggregateRef, projection: string, key: string, decide: Decision<S>, alongside?: SnapshotRef): Promise<StoredEvent[]> {
    const model: DocumentRef = { projection, key };
    // The aggregate's lock, and its write model document's, first, then the read: a racing
    // writer waits here, and reads what this one commits. What the read returns holds until
    // the commit, so the push checks neither again. (The document's lock comes before any
    // other aggregate's that the push goes on to lock, out of the global order: see the
    // top of this file.) The snapshot alongside comes in the same statement, unlocked: the
    // push checks it, if the decision depends on it.
    return this.announced(
      await this.transaction(aggregate, locksFor([aggregate], [], [model]), async (pipeline, held) => {
        const modelValues = [aggregate.type, aggregate.id, projection, key];
        const { rows } = await pipeline.send<SnapshotRow<S> & AlongsideRow<S> & { now: Date }>(
          alongside
            ? named("lps-snapshot-now-alongside", SNAPSHOT_NOW_ALONGSIDE, [
                ...modelValues,
                alongside.aggregate.type,
                alongside.aggregate.id,
                alongside.projection,
                alongside.key,
              ])
            : named("lps-snapshot-now", SNAPSHOT_NOW, modelValues),
        );
        const row = rows[0]!;
        const snapshot = toSnapshot(row);
        const known: Known = {
          sequences: new Map([[aggregateId(aggregate), snapshot.sequence]]),
          documents: new Map([[documentId(model), snapshot.state]]),
          clock: row.now,
        };
        const other = alongside && toSnapshot<S>({ sequence: row.alongside_sequence, state: row.alongside_state });
        return this.pushIn(pipeline, held, decide(snapshot, other), known);
      }),
    );
  }

  /** This process's listeners hear of its own commits without waiting for the notification. */
  private announced(stored: StoredEvent[]): StoredEvent[] {
    if (stored.length > 0) this.commits.notify();
    return stored;
  }

  /**
   * Writes a push in a transaction that holds some of its locks and knows, under them, some
   * sequences and documents, and the clock, already: takes the other locks (if any are
   * missing), releases (if any), reads the clock and the documents it does not know yet (if
   * any): one round trip for all three, if any; and writes (one more, with the COMMIT when
   * it can go along: see postgres-push-statements.ts).
   */
  private async pushIn(pipeline: Pipeline, held: HeldLocks, request: PushRequest, known: Known): Promise<StoredEvent[]> {
    const checks = sequenceChecks(request, known);
    const events = eventsToStore(request);
    const touched = documentsTouched(this.projections, events);
    held.take(pipeline, locksFor(appendedTo(request), onlyChecked(request), touched));
    release(pipeline, request.release ?? []);
    const claims = sorted(request.claim ?? []);
    if (checks.length + events.length + claims.length === 0) return [];
    const documents = new Map(known.documents);
    const unread = touched.filter((ref) => !documents.has(documentId(ref)));
    // The clock read with the write model holds for the events of aggregates locked before
    // it; another aggregate's lock, taken after it, may have waited for a writer whose
    // events are later still.
    let createdAt = appendedTo(request).every((aggregate) => known.sequences.has(aggregateId(aggregate))) ? known.clock : undefined;
    if (!createdAt || unread.length > 0) {
      const read = await readUnderLocks(pipeline, unread);
      createdAt = read.createdAt;
      for (const document of read.documents) documents.set(documentId(document), document.state);
    }
    const projected = events.map((event): ProjectedEvent => ({ ...event, createdAt }));
    const changes = reduceDocuments(this.projections, projected, documents);
    const written = await write(pipeline, { checks, events: projected, claims, changes, channel: COMMIT_CHANNEL });
    if (written.moved) throw new SequenceConflict(written.moved);
    const won = new Set(written.claimed.map((c) => JSON.stringify([c.kind, c.value])));
    const taken = claims.find((c) => !won.has(JSON.stringify([c.kind, c.value])));
    if (taken) throw new UniqueConstraintTaken(taken);
    return projected.map((event, i): StoredEvent => ({ ...event, position: written.positions[i]! }));
  }

  async events(aggregate: AggregateRef, afterSequence = 0): Promise<StoredEvent[]> {
    const rows = await this.read<EventRow>(
      `SELECT ${EVENT_COLUMNS}
       FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3 ORDER BY sequence`,
      [aggregate.type, aggregate.id, afterSequence],
    );
    return rows.map(toStoredEvent);
  }

  async searchEvents(filter: EventFilter): Promise<StoredEvent[]> {
    const [{ settled }] = await this.read<{ settled: Date }>(SETTLED, [], "settled-events");
    const until = filter.until && filter.until < settled ? filter.until : settled;
    const query = eventSearchSql({ ...filter, until }, EVENT_COLUMNS, POSTGRES_DIALECT);
    return (await this.read<EventRow>(query.text, query.values)).map(toStoredEvent);
  }

  async document<S>(projection: string, key: string, scope?: ReadScope): Promise<S | undefined> {
    return (await this.fresh.document({ projection, key }, scope)) as S | undefined;
  }

  async documents<S>(projection: string): Promise<Document<S>[]> {
    return this.read<Document<S>>("SELECT key, state FROM projection_documents WHERE projection = $1 ORDER BY key", [projection]);
  }

  async snapshot<S>(aggregate: AggregateRef, projection: string, key: string): Promise<Snapshot<S>> {
    // One statement sees one snapshot of the database: a push commits its events and its
    // documents together, so the two values always belong together.
    const rows = await this.read<SnapshotRow<S>>(SNAPSHOT, [aggregate.type, aggregate.id, projection, key], "lps-snapshot");
    return toSnapshot(rows[0]!);
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailable(`PostgreSQL did not answer within ${PING_TIMEOUT_MS} ms`)),
        PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.read("SELECT 1", []), silence]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.commits.close();
    await endPools(this.pools);
  }

  /** One statement on a connection for reads; named, it is prepared on each connection once. */
  private async read<R extends pg.QueryResultRow>(text: string, values: unknown[], name?: string): Promise<R[]> {
    try {
      return (await this.pools.reads.query<R>({ name, text, values })).rows;
    } catch (error) {
      throw storeError(error, undefined);
    }
  }

  /**
   * Runs `work` in a transaction on one connection, begun holding `locks` (in the message
   * of work's first statements: see postgres-pipeline.ts), and commits unless work has. On
   * failure a sound connection is rolled back and reused; a broken one is dropped (the
   * server rolls back what it held).
   */
  private async transaction<T>(
    conflictOn: AggregateRef | undefined,
    locks: readonly AdvisoryLock[],
    work: (pipeline: Pipeline, held: HeldLocks) => Promise<T>,
  ): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pools.writes.connect();
    } catch (error) {
      throw storeError(error, conflictOn);
    }
    // A connection that breaks while held reports it here rather than ending the process;
    // the statement in flight fails too, and says what happened.
    const ignore = () => {};
    client.on("error", ignore);
    let broken = false;
    try {
      const pipeline = new Pipeline(client);
      const held = new HeldLocks();
      held.take(pipeline, locks);
      const worked = await work(pipeline, held).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      // A statement's failure fails every statement after it: the first is the cause.
      await pipeline.settled();
      if ("error" in worked) throw worked.error;
      await pipeline.committed();
      return worked.result;
    } catch (error) {
      const failure = storeError(error, conflictOn);
      broken = failure instanceof StoreUnavailable || !(await rolledBack(client));
      throw failure;
    } finally {
      client.off("error", ignore);
      client.release(broken);
    }
  }
}

/** Connections for reads (checks, and the rare read that misses), and for write transactions. */
interface Pools {
  readonly reads: pg.Pool;
  readonly writes: pg.Pool;
}

async function endPools(pools: Pools): Promise<void> {
  await Promise.all([...new Set([pools.reads, pools.writes])].map((pool) => pool.end()));
}

/** Migrates on a connection of its own, closed after, which also releases the migration lock. */
async function migrate(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: APPLICATION_NAME });
  client.on("error", () => {}); // the statement in flight fails and says why
  try {
    await client.connect();
    await migratePostgres(client);
  } finally {
    await client.end();
  }
}

/** What a transaction has read under its locks before the push: sequences by aggregate, documents by ID, the clock. */
interface Known {
  readonly sequences: ReadonlyMap<string, number>;
  readonly documents: ReadonlyMap<string, unknown>;
  readonly clock: Date | undefined;
}

const NOTHING_KNOWN: Known = { sequences: new Map(), documents: new Map(), clock: undefined };

const aggregateId = (aggregate: AggregateRef) => JSON.stringify([aggregate.type, aggregate.id]);

/** The aggregates a push appends events to, and those it only checks (appends of no events). */
const appendedTo = (request: PushRequest) => request.appends.filter((a) => a.events.length > 0).map((a) => a.aggregate);
const onlyChecked = (request: PushRequest) => request.appends.filter((a) => a.events.length === 0).map((a) => a.aggregate);

/**
 * Which appends the database must check: an aggregate's first append, unless the
 * transaction read its sequence under its lock already (then the lock has kept it there,
 * and the append must expect just that). A later append to the same aggregate must go on
 * where the one before it ends, as it would find the aggregate after that one's events.
 */
function sequenceChecks(request: PushRequest, known: Known): SequenceCheck[] {
  const next = new Map(known.sequences);
  const checks: SequenceCheck[] = [];
  for (const { aggregate, expectedSequence, events } of request.appends) {
    const at = next.get(aggregateId(aggregate));
    if (at === undefined) checks.push({ aggregate, expectedSequence });
    else if (at !== expectedSequence) throw new SequenceConflict(aggregate);
    next.set(aggregateId(aggregate), expectedSequence + events.length);
  }
  return checks;
}

/** A push's events, numbered on from each append's expected sequence, in the push's order. */
function eventsToStore(request: PushRequest): EventToStore[] {
  return request.appends.flatMap(({ aggregate, resourceOwner, expectedSequence, events }) =>
    events.map((event, i) => ({ ...event, aggregate, resourceOwner, sequence: expectedSequence + i + 1, creator: request.creator })),
  );
}

/** Sends the release of unique values, before the push claims any (a push may release and claim one value). */
function release(pipeline: Pipeline, constraints: readonly UniqueConstraint[]): void {
  if (constraints.length === 0) return;
  const rows = sorted(constraints);
  void pipeline.send(
    named("lps-release", "DELETE FROM unique_constraints WHERE (kind, value) IN (SELECT * FROM unnest($1::text[], $2::text[]))", [
      rows.map((c) => c.kind),
      rows.map((c) => c.value),
    ]),
  );
}

/** Constraints in one order, so that concurrent claimants and releasers take their rows in it. */
function sorted(constraints: readonly UniqueConstraint[]): UniqueConstraint[] {
  return [...constraints].sort((a, b) => (a.kind === b.kind ? compare(a.value, b.value) : compare(a.kind, b.kind)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function rolledBack(client: pg.PoolClient): Promise<boolean> {
  return client.query("ROLLBACK").then(
    () => true,
    () => false,
  );
}

/** What a failure means to the caller: a lost race, an unreachable database, or a fault. */
function storeError(error: unknown, conflictOn: AggregateRef | undefined): unknown {
  if (isUnavailable(error)) return new StoreUnavailable(`PostgreSQL: ${reasonOf(error)}`, { cause: error });
  if (conflictOn && isConflict(error)) return new SequenceConflict(conflictOn);
  return error;
}

/** A named statement: prepared on a connection the first time it runs there. */
function named(name: string, text: string, values: unknown[]): pg.QueryConfig {
  return { name, text, values };
}

/** An aggregate's sequence and a document, in one statement: one snapshot of the database. */
const SNAPSHOT_COLUMNS = `(SELECT COALESCE(max(sequence), 0) FROM events WHERE aggregate_type = $1 AND aggregate_id = $2) AS sequence,
                          (SELECT state FROM projection_documents WHERE projection = $3 AND key = $4) AS state`;
const SNAPSHOT = `SELECT ${SNAPSHOT_COLUMNS}`;

/** A decision's write model, read under its locks, with the clock for the events it appends. */
const SNAPSHOT_NOW = `SELECT date_trunc('milliseconds', clock_timestamp()) AS now, ${SNAPSHOT_COLUMNS}`;

/** As SNAPSHOT_NOW, and another aggregate's snapshot in the same statement. */
const SNAPSHOT_NOW_ALONGSIDE = `${SNAPSHOT_NOW},
  (SELECT COALESCE(max(sequence), 0) FROM events WHERE aggregate_type = $5 AND aggregate_id = $6) AS alongside_sequence,
  (SELECT state FROM projection_documents WHERE projection = $7 AND key = $8) AS alongside_state`;

interface SnapshotRow<S> {
  sequence: string;
  state: S | null;
}

interface AlongsideRow<S> {
  alongside_sequence: string;
  alongside_state: S | null;
}

function toSnapshot<S>(row: SnapshotRow<S>): Snapshot<S> {
  return { sequence: Number(row.sequence), state: row.state ?? undefined };
}

/**
 * The time before which every event is settled: no transaction of a replica that is still
 * running, and none that starts later, can commit an event created before it. Writers commit
 * in any order, and an event carries the clock its transaction read (see Time, above), so a
 * transaction that began first can commit after others, with an earlier time than theirs: a
 * reader paging by time that saw theirs would pass over it for good. A transaction's events
 * are created after it began, so the earliest start among the replicas' running
 * transactions (pg_stat_activity.xact_start, the database's clock too) bounds them, and this
 * statement's own start bounds those that begin later. It is read in a statement of its own,
 * before the search: the search's snapshot then holds every transaction that ended by the
 * time this one looked. Cut to milliseconds as events' times are. The replicas' sessions are
 * those named as this one is (a database URL's application_name overrides ours, and
 * replicas share their URL), and they show their xact_start to sessions of the same
 * database role, which replicas share too.
 */
const SETTLED = `
  SELECT date_trunc('milliseconds', LEAST(statement_timestamp(), min(xact_start))) AS settled
  FROM pg_stat_activity WHERE datname = current_database() AND application_name = current_setting('application_name')`;

const EVENT_COLUMNS = "position, aggregate_type, aggregate_id, sequence, type, payload, resource_owner, creator, created_at";

const POSTGRES_DIALECT: SqlDialect = { parameter: (n) => `$${n}`, time: (at) => at };

interface EventRow {
  position: string;
  aggregate_type: string;
  aggregate_id: string;
  sequence: string;
  type: string;
  payload: unknown;
  resource_owner: string;
  creator: string;
  created_at: Date;
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    aggregate: { type: row.aggregate_type, id: row.aggregate_id },
    resourceOwner: row.resource_owner,
    sequence: Number(row.sequence),
    position: Number(row.position),
    type: row.type,
    payload: row.payload,
    creator: row.creator,
    createdAt: row.created_at,
  };
}
