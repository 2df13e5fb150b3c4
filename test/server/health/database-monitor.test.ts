/**
 * Readiness follows the database: not serving while starting, serving once the real SQLite
 * store answers, not serving when it no longer does, serving again when it does, and never
 * again once shutdown has begun.
 */
import { afterAll, afterEach, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { Writable } from "node:stream";
import { removeTempDirs, tempDir } from "../../../harness/temp-dir.js";
import { SqliteEventStore } from "../../../src/eventstore/sqlite.js";
import type { EventStore } from "../../../src/eventstore/store.js";
import { createLogger } from "../../../src/logger.js";
import { DatabaseMonitor } from "../../../src/server/health/database-monitor.js";
import { Readiness, type ServingState } from "../../../src/server/health/readiness.js";

afterAll(removeTempDirs);

const logs: Record<string, unknown>[] = [];
const logger = createLogger(
  "info",
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString()));
      done();
    },
  }),
);

/**
 * The database the monitor asks: the real store on a file, which can be closed (its
 * connection gone, as if the database went away) and opened again on the same file.
 */
class Database {
  private readonly path = join(tempDir(), "lps.db");
  store: EventStore = new SqliteEventStore(this.path, []);

  async goAway(): Promise<void> {
    await this.store.close();
  }

  comeBack(): void {
    this.store = new SqliteEventStore(this.path, []);
  }

  ping(): Promise<void> {
    return this.store.ping();
  }
}

const monitors: DatabaseMonitor[] = [];
afterEach(() => {
  for (const monitor of monitors.splice(0)) monitor.stop();
  logs.splice(0);
});

function monitor(database: Pick<EventStore, "ping">, intervalMs = 60_000): { readiness: Readiness; monitor: DatabaseMonitor } {
  const readiness = new Readiness();
  const created = new DatabaseMonitor(database, readiness, intervalMs, logger);
  monitors.push(created);
  return { readiness, monitor: created };
}

/** The next state a watcher sees after the current one. */
async function nextChange(readiness: Readiness, signal: AbortSignal): Promise<ServingState> {
  const states = readiness.watch(signal);
  await states.next();
  const { value } = await states.next();
  await states.return(undefined);
  return value as ServingState;
}

describe("readiness and the database monitor", () => {
  it("start not serving, and serve once the database has answered", async () => {
    const database = new Database();
    const { readiness, monitor: m } = monitor(database);
    expect(readiness.current).toEqual({ serving: false, reason: "starting" });
    await m.start();
    expect(readiness.current).toEqual({ serving: true });
    await database.store.close();
  });

  it("stop serving when the database goes away and serve again when it comes back, logging each change once", async () => {
    const database = new Database();
    const { readiness, monitor: m } = monitor(database);
    await m.start();

    await database.goAway();
    expect(await m.check()).toBe(false);
    expect(await m.check()).toBe(false);
    expect(readiness.current).toEqual({ serving: false, reason: "database unavailable" });

    database.comeBack();
    expect(await m.check()).toBe(true);
    expect(readiness.current).toEqual({ serving: true });
    expect(logs.map((line) => line.msg)).toEqual(["database does not answer; not serving until it does", "database answers again"]);
    await database.store.close();
  });

  it("checks by itself, every interval", async () => {
    const database = new Database();
    const { readiness, monitor: m } = monitor(database, 10);
    await m.start();
    const signal = new AbortController().signal;

    const lost = nextChange(readiness, signal);
    await database.goAway();
    expect(await lost).toEqual({ serving: false, reason: "database unavailable" });

    const regained = nextChange(readiness, signal);
    database.comeBack();
    expect(await regained).toEqual({ serving: true });
    await database.store.close();
  });

  it("counts a database that does not answer within the interval as unavailable", async () => {
    // No real database can be made to hang on demand here: this one never answers.
    const { readiness, monitor: m } = monitor({ ping: () => new Promise<void>(() => {}) }, 20);
    expect(await m.check()).toBe(false);
    expect(readiness.current).toEqual({ serving: false, reason: "database unavailable" });
    expect(logs).toContainEqual(expect.objectContaining({ err: expect.objectContaining({ message: "no answer within 20 ms" }) }));
  });

  it("share one ping between checks asked for at the same time", async () => {
    let pings = 0;
    const database = new Database();
    const { monitor: m } = monitor({ ping: () => (pings++, database.ping()) });
    expect(await Promise.all([m.check(), m.check(), m.check()])).toEqual([true, true, true]);
    expect(pings).toBe(1);
    await database.store.close();
  });

  it("never serve again once shutdown has begun, and end every watch after saying so", async () => {
    const database = new Database();
    const { readiness, monitor: m } = monitor(database);
    await m.start();
    const seen: ServingState[] = [];
    const watching = (async () => {
      for await (const state of readiness.watch(new AbortController().signal)) seen.push(state);
    })();

    readiness.shutDown();
    expect(await m.check()).toBe(true);
    await watching;

    expect(readiness.current).toEqual({ serving: false, reason: "shutting down" });
    expect(seen).toEqual([{ serving: true }, { serving: false, reason: "shutting down" }]);
    await database.store.close();
  });

  it("end a watch when its caller goes away", async () => {
    const readiness = new Readiness();
    const caller = new AbortController();
    const states = readiness.watch(caller.signal);
    expect((await states.next()).value).toEqual({ serving: false, reason: "starting" });
    const next = states.next();
    caller.abort();
    expect(await next).toEqual({ done: true, value: undefined });
  });
});
