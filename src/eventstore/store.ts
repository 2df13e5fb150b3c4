/**
 * The storage interface every engine implements (SQLite embedded, PostgreSQL for many
 * replicas). It is deliberately small: append events with optimistic concurrency, read an
 * aggregate's events, read projection documents. The same test suite runs against each.
 */
import type { CommitListener } from "./commit-feed.js";
import type { AggregateRef, NewEvent, StoredEvent } from "./event.js";
import type { ReadScope } from "./read-scope.js";

/** Events for one aggregate, valid only if the aggregate is still at `expectedSequence`. */
export interface Append {
  readonly aggregate: AggregateRef;
  readonly resourceOwner: string;
  /** The aggregate's sequence the command decided on; 0 for an aggregate that is new. */
  readonly expectedSequence: number;
  readonly events: readonly NewEvent[];
}

/** A value that at most one live object may hold, such as an organization's name. */
export interface UniqueConstraint {
  readonly kind: string;
  readonly value: string;
}

export interface PushRequest {
  /** The user whose call causes the events. */
  readonly creator: string;
  readonly appends: readonly Append[];
  readonly claim?: readonly UniqueConstraint[];
  readonly release?: readonly UniqueConstraint[];
}

/** A projection document read together with the sequence of the aggregate it belongs to. */
export interface Snapshot<S> {
  readonly state: S | undefined;
  readonly sequence: number;
}

/** Which document, with the current sequence of which aggregate, a snapshot reads. */
export interface SnapshotRef {
  readonly aggregate: AggregateRef;
  readonly projection: string;
  readonly key: string;
}

/**
 * What a command makes of its write model (and of the snapshot it asked to read alongside,
 * if any): the push to commit, or a throw to refuse.
 */
export type Decision<S> = (model: Snapshot<S>, alongside?: Snapshot<S>) => PushRequest;

/**
 * Which events a search reads: every condition given must hold. Results are ordered by
 * creation time, then by position, oldest or newest first.
 */
export interface EventFilter {
  readonly aggregateTypes?: readonly string[];
  readonly aggregateId?: string;
  readonly types?: readonly string[];
  readonly creator?: string;
  readonly resourceOwner?: string;
  /** Events whose sequence in their aggregate is greater than this. */
  readonly sequenceAbove?: number;
  /** Events created at or after this time. */
  readonly since?: Date;
  /** Events created before this time. */
  readonly until?: Date;
  readonly newestFirst: boolean;
  readonly limit: number;
}

export interface Document<S> {
  readonly key: string;
  readonly state: S;
}

export interface EventStore {
  /** Which engine this is, for logs and health. */
  readonly engine: "sqlite" | "postgres";

  /**
   * Appends all events, claims and releases the constraints, and updates the projections,
   * in one transaction. Throws SequenceConflict when an aggregate moved on since the
   * command read it, UniqueConstraintTaken when a claimed value is held, and
   * StoreUnavailable when the database cannot be reached.
   */
  push(request: PushRequest): Promise<StoredEvent[]>;

  /** The events of one aggregate after a sequence, oldest first. */
  events(aggregate: AggregateRef, afterSequence?: number): Promise<StoredEvent[]>;

  /**
   * Events of any aggregates that pass the filter, in its order, at most its limit. Only
   * settled events: none created after the start of a write that may still commit, so that
   * a reader paging by creation time never passes an event that appears later behind it.
   */
  searchEvents(filter: EventFilter): Promise<StoredEvent[]>;

  /** One projection document; a call's reads name their scope (see read-scope.ts). */
  document<S>(projection: string, key: string, scope?: ReadScope): Promise<S | undefined>;

  /** Every document of a projection, by key (for small sets: organizations, users). */
  documents<S>(projection: string): Promise<Document<S>[]>;

  /** A document and its aggregate's current sequence from one consistent read. */
  snapshot<S>(aggregate: AggregateRef, projection: string, key: string): Promise<Snapshot<S>>;

  /**
   * Reads an aggregate's write model (as snapshot does) and pushes what `decide` makes of it,
   * holding the aggregate's write lock from before the read until the commit: writers of one
   * aggregate take turns instead of racing, and each decides on the state the one before it
   * left. `decide` may throw to refuse, and nothing is written. The request it returns
   * appends to this aggregate, expecting the snapshot's sequence; it may also hold appends
   * of no events to other aggregates, read before: each checks, in the same transaction,
   * that its aggregate is still at the sequence the command read (SequenceConflict if not),
   * without holding that aggregate's lock for the whole decision.
   * `alongside`: another aggregate's snapshot, read together with the write model (no round
   * trip of its own) but without that aggregate's lock, so it may move on before the commit:
   * a decision that depends on it appends to it, expecting the sequence it read, as above.
   */
  decide<S>(aggregate: AggregateRef, projection: string, key: string, decide: Decision<S>, alongside?: SnapshotRef): Promise<StoredEvent[]>;

  /**
   * Calls `listener` soon after every commit that appended events, by this process or any
   * other sharing the database (on PostgreSQL within a notification's delivery, on SQLite
   * within a short poll), and whenever commits may have gone unseen (a lost connection to
   * the database came back): a listener re-reads what it cares about, and never learns
   * what changed. Returns the function that stops it.
   */
  onCommit(listener: CommitListener): () => void;

  /** Resolves when the database answers. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/** Another writer appended to the aggregate first; the command should decide again. */
export class SequenceConflict extends Error {
  override readonly name = "SequenceConflict";
  constructor(readonly aggregate: AggregateRef) {
    super(`aggregate ${aggregate.type}/${aggregate.id} moved on`);
  }
}

/** A claimed unique value is already held. */
export class UniqueConstraintTaken extends Error {
  override readonly name = "UniqueConstraintTaken";
  constructor(readonly constraint: UniqueConstraint) {
    super(`${constraint.kind} is taken`);
  }
}

/** The database cannot be reached or refused to work; the call may succeed later. */
export class StoreUnavailable extends Error {
  override readonly name = "StoreUnavailable";
}
