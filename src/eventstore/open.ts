/** Opens the engine the configuration names, with its schema migrated. */
import type { DatabaseConfig } from "../config.js";
import type { Projection } from "./projection.js";
import { SqliteEventStore } from "./sqlite.js";
import type { EventStore } from "./store.js";

export async function openEventStore(database: DatabaseConfig, projections: readonly Projection[]): Promise<EventStore> {
  return new SqliteEventStore(database.path, projections);
}
