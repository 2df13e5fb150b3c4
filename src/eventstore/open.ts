/**
 * Opens the engine the configuration names, with its schema migrated; with an observer,
 * the store reports its appends and its connection pool to it.
 */
import type { DatabaseConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { StoreObserver } from "../metrics/store-observer.js";
import { ObservedEventStore } from "./observed-store.js";
import { PostgresEventStore } from "./postgres.js";
import type { Projection } from "./projection.js";
import { SqliteEventStore } from "./sqlite.js";
import type { EventStore } from "./store.js";

export async function openEventStore(
  database: DatabaseConfig,
  projections: readonly Projection[],
  logger: Logger,
  observer?: StoreObserver,
): Promise<EventStore> {
  const store = await openEngine(database, projections, logger);
  if (!observer) return store;
  if (store instanceof PostgresEventStore) observer.watchPool(() => store.poolUse());
  return new ObservedEventStore(store, observer);
}

function openEngine(database: DatabaseConfig, projections: readonly Projection[], logger: Logger): Promise<EventStore> | EventStore {
  switch (database.engine) {
    case "sqlite":
      return new SqliteEventStore(database.path, projections);
    case "postgres":
      return PostgresEventStore.open(database, projections, logger);
  }
}
