/**
 * The real server, in this process, on a free port with a fresh database (SQLite, or
 * PostgreSQL in jest's "postgres" project; see test-database.ts) or the one given,
 * configured the way an operator would: through LPS_* variables. Its log lines
 * are kept for tests that check what was logged.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { tempDir } from "../../harness/temp-dir.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startApp, type App } from "../../src/server/app.js";
import { freshDatabaseUrl } from "./test-database.js";

export interface TestServer extends App {
  readonly databaseUrl: string;
  /**
   * The personal access token of the admin user (IAM_OWNER) the first start created, for
   * `authorization: Bearer <token>`; read from LPS_ADMIN_PAT_PATH.
   */
  readonly adminToken: string;
  /** Every log line so far, parsed. */
  readonly logs: Record<string, unknown>[];
}

/**
 * Pass LPS_DATABASE_URL and LPS_ADMIN_PAT_PATH of an earlier server to start again on its
 * data; by default both are new, in a temporary directory.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dir = tempDir();
  const databaseUrl = env.LPS_DATABASE_URL ?? (await freshDatabaseUrl());
  const adminPatPath = env.LPS_ADMIN_PAT_PATH ?? join(dir, "admin.pat");
  const config = loadConfig(
    {
      LPS_PORT: "0",
      LPS_LOG_LEVEL: "info",
      LPS_SHUTDOWN_GRACE_MS: "1000",
      ...env,
      LPS_DATABASE_URL: databaseUrl,
      LPS_ADMIN_PAT_PATH: adminPatPath,
    },
    [],
  );
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = await startApp(config, createLogger(config.logLevel, sink));
  const adminToken = existsSync(adminPatPath) ? readFileSync(adminPatPath, "utf8").trim() : "";
  return { url: app.url, address: app.address, instance: app.instance, store: app.store, close: () => app.close(), databaseUrl, logs, adminToken };
}
