/**
 * What the event store reports about its work: how long appends take and how they end,
 * how its read caches fare, and how full its connection pool is. Engines and decorators
 * call these; none of them knows how the values are exported.
 */

/** How an append ended. */
export type AppendOutcome = "ok" | "refused" | "conflict" | "unique_taken" | "unavailable" | "error";

/** A connection pool's state at one moment. */
export interface PoolUse {
  /** Connections open, idle or in use. */
  readonly total: number;
  readonly idle: number;
  /** Callers waiting for a free connection. */
  readonly waiting: number;
  /** Connections the pool opens at most. */
  readonly max: number;
}

export interface StoreObserver {
  /** An append (push) ended after `seconds`, the whole transaction included. */
  appended(engine: string, seconds: number, outcome: AppendOutcome): void;
  /** A read looked in a cache of the store (`cache` names it) and found the value or not. */
  cacheLookup(cache: string, hit: boolean): void;
  /** A cache holds this many entries now. */
  cacheSize(cache: string, entries: number): void;
  /** Registers where the pool's state is read, at the moment metrics are collected. */
  watchPool(read: () => PoolUse): void;
}
