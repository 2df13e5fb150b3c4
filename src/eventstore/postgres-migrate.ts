/**
 * Brings a PostgreSQL database's schema up to date at start. Replicas starting together
 * take turns: each holds a session advisory lock while it reads and applies the steps, so
 * the next one finds the work done. Each step commits together with its record, so a start
 * that dies halfway leaves whole steps behind, and the next start goes on from there.
 */
import type pg from "pg";
import { postgresMigrations } from "./postgres-migrations.js";

/**
 * The advisory lock that serializes migrations, in the two-key space (other locks of this
 * store use the one-key space, so they never collide with it). 0x6c7073 is "lps".
 */
const MIGRATION_LOCK = [0x6c7073, 1];

const LATEST = Math.max(...postgresMigrations.map((step) => step.version));

/** Applies the missing steps on a connection of its own, which the caller closes after (releasing the lock). */
export async function migratePostgres(client: pg.ClientBase): Promise<void> {
  await client.query("SELECT pg_advisory_lock($1, $2)", MIGRATION_LOCK);
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer     PRIMARY KEY,
      name       text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
  const applied = new Set(rows.map((row) => row.version));
  const newest = Math.max(0, ...applied);
  if (newest > LATEST) {
    throw new Error(
      `the database's schema is at version ${newest}, newer than this release knows (${LATEST}); run a release that knows it`,
    );
  }
  for (const step of postgresMigrations) {
    if (applied.has(step.version)) continue;
    // A step that fails is rolled back when the caller closes the connection.
    await client.query("BEGIN");
    await client.query(step.sql);
    await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [step.version, step.name]);
    await client.query("COMMIT");
  }
}
