/**
 * An event store that reports each append's duration and outcome (committed, lost a race,
 * a unique name taken, database unavailable) to a StoreObserver, and otherwise is the store
 * it wraps. A sequence conflict is what makes a command decide again, so conflicts count
 * its retries, except for the last of a call that gives up (answered Aborted).
 */
import { performance } from "node:perf_hooks";
import { DomainError } from "../errors.js";
import type { AppendOutcome, StoreObserver } from "../metrics/store-observer.js";
import type { AggregateRef, StoredEvent } from "./event.js";
import type { ReadScope } from "./read-scope.js";
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

export class ObservedEventStore implements EventStore {
  constructor(
    private readonly store: EventStore,
    private readonly observer: StoreObserver,
  ) {}

  get engine(): EventStore["engine"] {
    return this.store.engine;
  }

  push(request: PushRequest): Promise<StoredEvent[]> {
    return this.appending(() => this.store.push(request));
  }

  decide<S>(aggregate: AggregateRef, projection: string, key: string, decide: Decision<S>, alongside?: SnapshotRef): Promise<StoredEvent[]> {
    return this.appending(() => this.store.decide(aggregate, projection, key, decide, alongside));
  }

  private async appending(append: () => Promise<StoredEvent[]>): Promise<StoredEvent[]> {
    const started = performance.now();
    let outcome: AppendOutcome = "error";
    try {
      const stored = await append();
      outcome = "ok";
      return stored;
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      this.observer.appended(this.store.engine, (performance.now() - started) / 1000, outcome);
    }
  }

  events(aggregate: AggregateRef, afterSequence?: number): Promise<StoredEvent[]> {
    return this.store.events(aggregate, afterSequence);
  }

  searchEvents(filter: EventFilter): Promise<StoredEvent[]> {
    return this.store.searchEvents(filter);
  }

  document<S>(projection: string, key: string, scope?: ReadScope): Promise<S | undefined> {
    return this.store.document<S>(projection, key, scope);
  }

  documents<S>(projection: string): Promise<Document<S>[]> {
    return this.store.documents<S>(projection);
  }

  snapshot<S>(aggregate: AggregateRef, projection: string, key: string): Promise<Snapshot<S>> {
    return this.store.snapshot<S>(aggregate, projection, key);
  }

  onCommit(listener: () => void): () => void {
    return this.store.onCommit(listener);
  }

  ping(): Promise<void> {
    return this.store.ping();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

function outcomeOf(error: unknown): AppendOutcome {
  // A command that decided under the lock to refuse (the factor is already there, say).
  if (error instanceof DomainError) return "refused";
  if (error instanceof SequenceConflict) return "conflict";
  if (error instanceof UniqueConstraintTaken) return "unique_taken";
  if (error instanceof StoreUnavailable) return "unavailable";
  return "error";
}
