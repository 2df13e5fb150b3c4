/**
 * The real server, in this process, on a free port with a fresh database (SQLite, or
 * PostgreSQL in jest's "postgres" project; see test-database.ts) or the one given,
 * configured the way an operator would: through LPS_* variables. Its log lines
 * are kept for tests that check what was logged.
 */
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startApp, type App } from "../../src/server/app.js";
import { freshDatabaseUrl } from "./test-database.js";

export interface TestServer extends App {
  readonly databaseUrl: string;
  /**
   * The personal access token of the admin user a first start creates, for
   * `authorization: Bearer <token>`. Empty while the service has no authentication.
   */
  readonly adminToken: string;
  /** Every log line so far, parsed. */
  readonly logs: Record<string, unknown>[];
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const databaseUrl = env.LPS_DATABASE_URL ?? (await freshDatabaseUrl());
  const config = loadConfig(
    { LPS_PORT: "0", LPS_LOG_LEVEL: "info", LPS_SHUTDOWN_GRACE_MS: "1000", ...env, LPS_DATABASE_URL: databaseUrl },
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
  return { url: app.url, address: app.address, instance: app.instance, store: app.store, close: () => app.close(), databaseUrl, logs, adminToken: "" };
}
