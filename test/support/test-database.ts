/**
 * The database a test runs on: a fresh SQLite file, or, in jest's "postgres" project
 * (LPS_TEST_ENGINE=postgres), a fresh database in the run's throwaway PostgreSQL cluster.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import pg from "pg";
import { createDatabase } from "../../harness/postgres-cluster.js";
import { tempDir } from "../../harness/temp-dir.js";
import { loadConfig } from "../../src/config.js";
import { openEventStore } from "../../src/eventstore/open.js";
import type { Projection } from "../../src/eventstore/projection.js";
import type { EventStore } from "../../src/eventstore/store.js";
import { createLogger } from "../../src/logger.js";
import { sharedClusterUrl } from "./test-postgres.js";

export async function freshDatabaseUrl(): Promise<string> {
  if (process.env.LPS_TEST_ENGINE === "postgres") return createDatabase(sharedClusterUrl());
  return `sqlite:${join(tempDir(), "lps.db")}`;
}

/** The store behind a database URL, opened directly, to look at what the service stored. */
export function openStore(databaseUrl: string, projections: readonly Projection[] = []): Promise<EventStore> {
  const { database } = loadConfig({ LPS_DATABASE_URL: databaseUrl }, []);
  return openEventStore(database, projections, createLogger("silent"));
}

/**
 * Deletes a projection document behind the service's back, as a damaged database would,
 * and returns how to put it back.
 */
export async function takeDocumentAway(databaseUrl: string, projection: string, key: string): Promise<() => Promise<void>> {
  if (databaseUrl.startsWith("sqlite:")) {
    const db = new Database(databaseUrl.slice("sqlite:".length));
    const row = db.prepare("DELETE FROM projection_documents WHERE projection = ? AND key = ? RETURNING state").get(projection, key);
    return async () => {
      db.prepare("INSERT INTO projection_documents (projection, key, state) VALUES (?, ?, ?)").run(
        projection,
        key,
        (row as { state: string }).state,
      );
      db.close();
    };
  }
  const client = new pg.Client(databaseUrl);
  await client.connect();
  const { rows } = await client.query(
    "DELETE FROM projection_documents WHERE projection = $1 AND key = $2 RETURNING state::text",
    [projection, key],
  );
  return async () => {
    await client.query("INSERT INTO projection_documents (projection, key, state) VALUES ($1, $2, $3::json)", [
      projection,
      key,
      rows[0].state,
    ]);
    await client.end();
  };
}

/** How many events the database holds, on every aggregate: counted behind the service's back. */
export async function eventCount(databaseUrl: string): Promise<number> {
  const query = "SELECT count(*) AS count FROM events";
  if (databaseUrl.startsWith("sqlite:")) {
    const db = new Database(databaseUrl.slice("sqlite:".length), { readonly: true });
    try {
      return (db.prepare(query).get() as { count: number }).count;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    return Number((await client.query(query)).rows[0].count);
  } finally {
    await client.end();
  }
}
