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

/** A read cache's use since it was made, and what it holds now. */
export interface CacheUse {
  /** Lookups that found the value (or that there is none), and lookups that had to read. */
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
}

export interface StoreObserver {
  /** An append (push) ended after `seconds`, the whole transaction included. */
  appended(engine: string, seconds: number, outcome: AppendOutcome): void;
  /**
   * Registers where a read cache's use is read (`cache` names it), at the moment metrics are
   * collected: a read counts its lookups as plain numbers, and pays nothing more for metrics.
   */
  watchCache(cache: string, read: () => CacheUse): void;
  /** Registers where the pool's state is read, at the moment metrics are collected. */
  watchPool(read: () => PoolUse): void;
}
