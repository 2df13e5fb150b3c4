/**
 * The PostgreSQL schema, as ordered steps.
 *
 * Keys that reads order by or compare (aggregate IDs, document keys, constraint values) use
 * the "C" collation: byte order, as in SQLite, whatever locale the database was created
 * with. Payloads and documents are `json`, not `jsonb`, so that they come back exactly as
 * they were written (key order included) and any string JSON can carry is accepted.
 */
import { EVENT_SEARCH_INDEXES } from "./event-search-sql.js";
import type { Migration } from "./migration.js";
import { policyReachCountSql } from "./policy-reach-count-sql.js";

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "events, projections, unique constraints",
    sql: `
      CREATE TABLE events (
        position       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        aggregate_type text        COLLATE "C" NOT NULL,
        aggregate_id   text        COLLATE "C" NOT NULL,
        sequence       bigint      NOT NULL CHECK (sequence > 0),
        type           text        NOT NULL,
        payload        json        NOT NULL,
        resource_owner text        NOT NULL,
        creator        text        NOT NULL,
        created_at     timestamptz NOT NULL,
        CONSTRAINT events_aggregate_sequence UNIQUE (aggregate_type, aggregate_id, sequence)
      );
      CREATE TABLE projection_documents (
        projection text COLLATE "C" NOT NULL,
        key        text COLLATE "C" NOT NULL,
        state      json NOT NULL,
        PRIMARY KEY (projection, key)
      );
      CREATE TABLE unique_constraints (
        kind  text COLLATE "C" NOT NULL,
        value text COLLATE "C" NOT NULL,
        PRIMARY KEY (kind, value)
      );
    `,
  },
  {
    version: 2,
    name: "document changes, for replicas' caches",
    // One row per document, naming the transaction that last changed it (see
    // postgres-freshness.ts): replicas keep documents in memory and ask, on each read
    // call, which documents transactions they may not have seen yet have changed. A
    // trigger keeps it, so that every change counts, a push's or a hand edit's (TRUNCATE
    // aside, which fires no row trigger).
    sql: `
      CREATE TABLE document_changes (
        projection text COLLATE "C" NOT NULL,
        key        text COLLATE "C" NOT NULL,
        tx         xid8 NOT NULL DEFAULT pg_current_xact_id(),
        PRIMARY KEY (projection, key)
      );
      CREATE INDEX document_changes_tx ON document_changes (tx);
      CREATE FUNCTION note_document_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          INSERT INTO document_changes (projection, key) VALUES (OLD.projection, OLD.key)
          ON CONFLICT (projection, key) DO UPDATE SET tx = pg_current_xact_id();
        ELSE
          INSERT INTO document_changes (projection, key) VALUES (NEW.projection, NEW.key)
          ON CONFLICT (projection, key) DO UPDATE SET tx = pg_current_xact_id();
        END IF;
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER projection_documents_changed AFTER INSERT OR UPDATE OR DELETE ON projection_documents
      FOR EACH ROW EXECUTE FUNCTION note_document_change();
    `,
  },
  {
    version: 3,
    name: "event search",
    sql: EVENT_SEARCH_INDEXES,
  },
  {
    version: 4,
    name: "policy reach count",
    sql: policyReachCountSql("json_build_object"),
  },
];
