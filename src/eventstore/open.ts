/** Opens the engine the configuration names, with its schema migrated. */
import type { DatabaseConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { PostgresEventStore } from "./postgres.js";
import type { Projection } from "./projection.js";
import { SqliteEventStore } from "./sqlite.js";
import type { EventStore } from "./store.js";

export async function openEventStore(
  database: DatabaseConfig,
  projections: readonly Projection[],
  logger: Logger,
): Promise<EventStore> {
  switch (database.engine) {
    case "sqlite":
      return new SqliteEventStore(database.path, projections);
    case "postgres":
      return PostgresEventStore.open(database, projections, logger);
  }
}
