/** The SQLite schema, as ordered steps. */
import type { Migration } from "./migration.js";

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "events, projections, unique constraints",
    sql: `
      CREATE TABLE events (
        position       INTEGER PRIMARY KEY AUTOINCREMENT,
        aggregate_type TEXT    NOT NULL,
        aggregate_id   TEXT    NOT NULL,
        sequence       INTEGER NOT NULL,
        type           TEXT    NOT NULL,
        payload        TEXT    NOT NULL,
        resource_owner TEXT    NOT NULL,
        creator        TEXT    NOT NULL,
        created_at     TEXT    NOT NULL,
        UNIQUE (aggregate_type, aggregate_id, sequence)
      );
      CREATE TABLE projection_documents (
        projection TEXT NOT NULL,
        key        TEXT NOT NULL,
        state      TEXT NOT NULL,
        PRIMARY KEY (projection, key)
      ) WITHOUT ROWID;
      CREATE TABLE unique_constraints (
        kind  TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (kind, value)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    // The event search (AdminService.ListEvents) filters by any of these columns and orders
    // by creation time, then position: each index serves one filter and the order, so a
    // page is a short range scan however long the log.
    name: "event search",
    sql: `
      CREATE INDEX events_by_time ON events (created_at, position);
      CREATE INDEX events_by_creator ON events (creator, created_at, position);
      CREATE INDEX events_by_type ON events (type, created_at, position);
      CREATE INDEX events_by_owner ON events (resource_owner, created_at, position);
      CREATE INDEX events_by_aggregate_type ON events (aggregate_type, created_at, position);
      CREATE INDEX events_by_aggregate_id ON events (aggregate_id, created_at, position);
    `,
  },
];
