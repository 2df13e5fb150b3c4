/** The SQLite schema, as ordered steps. */
import { EVENT_SEARCH_INDEXES } from "./event-search-sql.js";
import type { Migration } from "./migration.js";
import { policyReachCountSql } from "./policy-reach-count-sql.js";

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
    name: "event search",
    sql: EVENT_SEARCH_INDEXES,
  },
  {
    version: 3,
    name: "policy reach count",
    sql: policyReachCountSql("json_object"),
  },
];
