/**
 * How a PostgreSQL store hears of every replica's commits: each push that appends events
 * sends a NOTIFY on COMMIT_CHANNEL inside its transaction (PostgreSQL delivers it when, and
 * only if, the transaction commits), and one connection of its own per process LISTENs
 * while commit listeners exist. A notification sent while that connection was down is lost,
 * so every (re)connection ends with a signal of its own: listeners read again and catch up
 * with whatever they missed. A lost connection is reopened after the pauses a start waits
 * for the database with.
 */
import pg from "pg";
import type { Logger } from "../logger.js";
import type { CommitWatch } from "./commit-feed.js";
import { reasonOf } from "./postgres-errors.js";
import { FIRST_PAUSE_MS, MAX_PAUSE_MS } from "./postgres-startup.js";

export const COMMIT_CHANNEL = "lps_commits";

const CONNECT_TIMEOUT_MS = 5_000;

export interface PostgresCommitWatchOptions {
  readonly url: string;
  readonly applicationName: string;
  readonly logger: Logger;
  /** Something was, or may have been, committed. */
  readonly notify: () => void;
}

export function postgresCommitWatch(options: PostgresCommitWatchOptions): CommitWatch {
  let client: pg.Client | undefined;
  let running = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let pause = FIRST_PAUSE_MS;

  function retryLater(): void {
    if (!running || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, pause);
    retryTimer.unref();
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }

  async function connect(): Promise<void> {
    const listening = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      application_name: options.applicationName,
    });
    client = listening;
    const lost = (error?: Error) => {
      if (client !== listening) return;
      client = undefined;
      listening.end().catch(() => {});
      if (running) options.logger.warn({ reason: error ? reasonOf(error) : "closed" }, "lost the PostgreSQL connection that listens for commits");
      retryLater();
    };
    listening.on("error", lost);
    listening.on("end", () => lost());
    listening.on("notification", () => options.notify());
    try {
      await listening.connect();
      await listening.query(`LISTEN ${COMMIT_CHANNEL}`);
    } catch (error) {
      lost(error as Error);
      return;
    }
    if (client !== listening) return;
    pause = FIRST_PAUSE_MS;
    // Whatever was committed before LISTEN took effect (or while the last connection was
    // down) was not announced to this one.
    options.notify();
  }

  return {
    start() {
      running = true;
      void connect();
    },
    stop() {
      running = false;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const closing = client;
      client = undefined;
      closing?.end().catch(() => {});
    },
  };
}
