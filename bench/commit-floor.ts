/**
 * The floor under the service's writes: bare commits of one small row each, through the
 * same driver, with the same durability and on the same disk as the service's database,
 * for the load generator to run like any other call.
 */
import Database from "better-sqlite3";
import { setImmediate as yieldToEvents } from "node:timers/promises";
import pg from "pg";
import type { Calls } from "./load-generator.js";

const ROW = "payload of about the size of one event";

/**
 * SQLite in WAL mode with synchronous=FULL, as the service opens it, in this process. A
 * commit returns having waited for nothing but the disk, so each call then lets the event
 * loop turn, as the service's calls do, or the load generator's timers would never fire.
 */
export function sqliteCommits(path: string): Calls {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE commits (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
  const insert = db.prepare("INSERT INTO commits (payload) VALUES (?)");
  return {
    call: async () => {
      insert.run(ROW);
      await yieldToEvents();
    },
    close: () => db.close(),
  };
}

/** PostgreSQL with its defaults (fsync and synchronous_commit on), one connection per caller. */
export async function postgresCommits(databaseUrl: string, connections: number): Promise<Calls> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: connections });
  await pool.query("CREATE TABLE commits (id bigserial PRIMARY KEY, payload text NOT NULL)");
  return { call: async () => void (await pool.query("INSERT INTO commits (payload) VALUES ($1)", [ROW])), close: () => void pool.end() };
}
