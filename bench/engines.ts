/**
 * Where the service keeps its data in a run: SQLite files in a temp directory, or
 * databases in a throwaway PostgreSQL cluster with fsync on, as production runs it. Each
 * gives out fresh databases, and the commit floor on the same disk.
 */
import { join } from "node:path";
import { findPostgresBinaries, PostgresCluster } from "../harness/postgres-cluster.js";
import { tempDir } from "../harness/temp-dir.js";
import { postgresCommits, sqliteCommits } from "./commit-floor.js";
import type { Calls } from "./load-generator.js";
import type { EngineName } from "./options.js";

export interface Engine {
  readonly name: EngineName;
  /** The database driver, as the table names it. */
  readonly driver: string;
  /** Whether writers on other connections commit at the same time (else they take turns). */
  readonly concurrentCommits: boolean;
  /** The URL of a new, empty database. */
  newDatabase(): Promise<string>;
  /** Bare commits, with a connection for each of `writers` callers. */
  commits(writers: number): Promise<Calls>;
  close(): Promise<void>;
}

export async function openEngine(name: EngineName, postgresBin: string | undefined): Promise<Engine> {
  switch (name) {
    case "sqlite":
      return sqliteEngine();
    case "postgres":
      return postgresEngine(postgresBin);
  }
}

function sqliteEngine(): Engine {
  const dir = tempDir("lps-bench-");
  let databases = 0;
  return {
    name: "sqlite",
    driver: "better-sqlite3",
    // better-sqlite3 is synchronous: one process commits one transaction at a time.
    concurrentCommits: false,
    newDatabase: async () => `sqlite:${join(dir, `lps-${++databases}.db`)}`,
    commits: () => sqliteCommits(join(dir, `commits-${++databases}.db`)),
    close: async () => {},
  };
}

async function postgresEngine(given: string | undefined): Promise<Engine> {
  const bin = given ?? findPostgresBinaries();
  if (!bin) throw new Error("no PostgreSQL server binaries in /usr/lib/postgresql/<version>/bin; install postgresql or pass --postgres-bin");
  const cluster = await PostgresCluster.start({ bin, durable: true });
  return {
    name: "postgres",
    driver: "pg",
    concurrentCommits: true,
    newDatabase: () => cluster.createDatabase(),
    commits: async (writers) => postgresCommits(await cluster.createDatabase(), writers),
    close: () => cluster.destroy(),
  };
}
