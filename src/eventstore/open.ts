/**
 * Opens the engine the configuration names, with its schema migrated; with an observer,
 * the store reports its appends, its document cache and its connection pool to it.
 */
import { DEFAULT_CACHED_DOCUMENTS } from "./document-cache.js";
import type { Logger } from "../logger.js";
import type { StoreObserver } from "../metrics/store-observer.js";
import { ObservedEventStore } from "./observed-store.js";
import { PostgresEventStore } from "./postgres.js";
import type { Projection } from "./projection.js";
import { SqliteEventStore } from "./sqlite.js";
import type { EventStore } from "./store.js";

/** Which database, and how to reach it. */
export type DatabaseConfig =
  | { readonly engine: "sqlite"; readonly path: string }
  | {
      readonly engine: "postgres";
      /** A libpq-style URL: postgres://user:password@host:port/database?options */
      readonly url: string;
      /** Connections each process keeps at most. */
      readonly poolSize: number;
      /** How long a start waits for the database to become reachable before giving up. */
      readonly startupWaitMs: number;
    };

export interface StoreOptions {
  readonly observer?: StoreObserver;
  /** Documents kept in memory at most. */
  readonly cachedDocuments?: number;
}

export async function openEventStore(
  database: DatabaseConfig,
  projections: readonly Projection[],
  logger: Logger,
  { observer, cachedDocuments = DEFAULT_CACHED_DOCUMENTS }: StoreOptions = {},
): Promise<EventStore> {
  const store = await openEngine(database, projections, logger, cachedDocuments);
  if (!observer) return store;
  observer.watchCache("documents", () => store.cacheUse());
  if (store instanceof PostgresEventStore) observer.watchPool(() => store.poolUse());
  return new ObservedEventStore(store, observer);
}

function openEngine(
  database: DatabaseConfig,
  projections: readonly Projection[],
  logger: Logger,
  cacheCapacity: number,
): Promise<PostgresEventStore> | SqliteEventStore {
  switch (database.engine) {
    case "sqlite":
      return new SqliteEventStore(database.path, projections, cacheCapacity);
    case "postgres":
      return PostgresEventStore.open({ ...database, cacheCapacity }, projections, logger);
  }
}
