/**
 * The real server, in this process, on a free port with a fresh SQLite file (or the file
 * given), configured the way an operator would: through LPS_* variables.
 */
import { join } from "node:path";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startApp, type App } from "../../src/server/app.js";
import { tempDir } from "./temp-dir.js";

export interface TestServer extends App {
  readonly databaseUrl: string;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const databaseUrl = env.LPS_DATABASE_URL ?? `sqlite:${join(tempDir(), "lps.db")}`;
  const config = loadConfig(
    { LPS_PORT: "0", LPS_LOG_LEVEL: "silent", LPS_SHUTDOWN_GRACE_MS: "1000", ...env, LPS_DATABASE_URL: databaseUrl },
    [],
  );
  const app = await startApp(config, createLogger(config.logLevel));
  return Object.assign(Object.create(app) as App, app, { databaseUrl });
}
