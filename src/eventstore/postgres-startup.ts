/**
 * A start against a PostgreSQL that is not up yet (a container starting beside it, a
 * failover in progress) waits for it: one log line per failed attempt, a pause that grows
 * to a cap, and a clear message when the configured wait is over, rather than a crash and
 * a restart loop of stack traces. What waiting cannot fix (a wrong password, a missing
 * database, a schema from a newer release) ends the start at once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger.js";
import { isUnavailable, reasonOf } from "./postgres-errors.js";

/** Pauses between attempts to reach the database: the first, doubled each time up to the most. */
export const FIRST_PAUSE_MS = 250;
export const MAX_PAUSE_MS = 5000;

export interface StartupWait {
  /** How long to keep trying; 0 tries once. */
  readonly waitMs: number;
  /** The database, as logs name it (see describeDatabase). */
  readonly database: string;
  readonly logger: Logger;
}

/** The start-up failure main prints as its one line. */
export class DatabaseStartupError extends Error {
  override readonly name = "DatabaseStartupError";
}

export async function untilReachable<T>(attempt: () => Promise<T>, wait: StartupWait): Promise<T> {
  const startedAt = Date.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const reason = reasonOf(error);
      if (!isUnavailable(error)) throw new DatabaseStartupError(`cannot use PostgreSQL at ${wait.database}: ${reason}`);
      const left = startedAt + wait.waitMs - Date.now();
      const pause = Math.min(FIRST_PAUSE_MS * 2 ** (n - 1), MAX_PAUSE_MS);
      if (pause > left) {
        const seconds = Math.round((Date.now() - startedAt) / 1000);
        throw new DatabaseStartupError(
          `PostgreSQL at ${wait.database} is not reachable (${reason}); gave up after ${n} attempts in ${seconds} s (LPS_DATABASE_STARTUP_WAIT_MS)`,
        );
      }
      wait.logger.warn({ database: wait.database, attempt: n, retryInMs: pause, reason }, "PostgreSQL is not reachable yet; retrying");
      await sleep(pause);
    }
  }
}

/** host:port/database of a connection URL, without user or password, for logs and messages. */
export function describeDatabase(url: string): string {
  const parsed = new URL(url);
  const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
  return `${host}:${parsed.port || "5432"}${decodeURIComponent(parsed.pathname) || "/"}`;
}

/** How the service names its sessions, unless the database URL names them. */
export const APPLICATION_NAME = "lps";

/**
 * The name the service's sessions have in pg_stat_activity: the database URL's
 * application_name when it has one (node-postgres lets the URL's win over ours), else ours.
 */
export function serviceSessionName(url: string): string {
  return new URL(url).searchParams.get("application_name") ?? APPLICATION_NAME;
}
