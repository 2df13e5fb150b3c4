/**
 * Crash durability over many rounds: the server process under concurrent writers is
 * SIGKILLed at a random moment, 100 times on SQLite and 30 on PostgreSQL (where every third
 * round also crashes and restarts the database under the load), and after each kill the
 * database is read directly:
 *
 * - every write answered OK is there: its event at the sequence the answer named;
 * - nothing is half-written: every projection document equals what the event log reduces
 *   to, so no call's events are in without its projections, or the other way round;
 * - every aggregate's sequences run 1, 2, 3 ... without a gap.
 *
 * Writers: two race on the instance's policy, two more each work on an organization's, each
 * toggling a second factor of its own. Each round kills the server at a moment drawn from a
 * seeded generator (LPS_TEST_SEED to replay a run), up to 150 ms after the first write is
 * answered; the bursts are short, so a round costs little more than a server start.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import Database from "better-sqlite3";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { PostgresCluster } from "../../harness/postgres-cluster.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import type { StoredEvent } from "../../src/eventstore/event.js";
import { documentId, reduceDocuments } from "../../src/eventstore/projection.js";
import { projections } from "../../src/projections/projections.js";
import { describePostgres } from "../support/describe-postgres.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { runCli, startServerProcess } from "../support/server-process.js";
import { testClusterOptions } from "../support/test-postgres.js";
import { waitFor } from "../support/wait-for.js";

afterAll(removeTempDirs);

const SEED = Number(process.env.LPS_TEST_SEED ?? 20261130);

/** mulberry32: a small, seeded generator of numbers in [0, 1), so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A write answered OK: the event it must have left. */
interface Acknowledged {
  readonly aggregate: string;
  readonly sequence: number;
  readonly type: string;
}

/** What a writer works on: the instance's policy, or an organization's (by ID). */
interface Target {
  readonly service: "admin" | "management";
  readonly aggregate: string;
  readonly eventPrefix: string;
  readonly headers: Record<string, string>;
  readonly factor: string;
}

/** Answers that are refusals of a sound call, not faults: the factor was already there, or not. */
const REFUSALS = new Set([status.ALREADY_EXISTS, status.NOT_FOUND]);

interface Load {
  readonly acknowledged: Acknowledged[];
  /** Unexpected answers while the server was alive and the database up. */
  readonly faults: string[];
  stop(): Promise<void>;
}

/** Writers toggling their factor as fast as the server answers, until stopped. */
function startLoad(client: GrpcJsClient, targets: readonly Target[], databaseAway: () => boolean): Load {
  const acknowledged: Acknowledged[] = [];
  const faults: string[] = [];
  let stopped = false;
  const writers = targets.map(async (target, i) => {
    let add = i % 2 === 0;
    while (!stopped) {
      const method = add ? "AddSecondFactorToLoginPolicy" : "RemoveSecondFactorFromLoginPolicy";
      const result = await client.call(target.service, method, { type: target.factor }, target.headers);
      if (stopped) return; // answered after the kill began: not counted either way
      if (result.ok) {
        const { sequence } = result.response.details as { sequence: string };
        acknowledged.push({
          aggregate: target.aggregate,
          sequence: Number(sequence),
          type: `${target.eventPrefix}.policy.login.secondfactor.${add ? "added" : "removed"}`,
        });
      } else if (result.code === status.UNAVAILABLE && databaseAway()) {
        await sleep(20);
        continue;
      } else if (!REFUSALS.has(result.code)) {
        faults.push(`${method}: ${status[result.code]} ${result.message}`);
        await sleep(20);
      }
      add = !add;
    }
  });
  return {
    acknowledged,
    faults,
    stop: async () => {
      stopped = true;
      await Promise.all(writers);
    },
  };
}

/** The whole database, read behind the service's back. */
interface Contents {
  readonly events: StoredEvent[];
  readonly documents: Map<string, unknown>;
}

interface EventRow {
  position: number | string;
  aggregate_type: string;
  aggregate_id: string;
  sequence: number | string;
  type: string;
  payload: string;
  resource_owner: string;
  creator: string;
  created_at: string | Date;
}

const EVENTS = "SELECT * FROM events ORDER BY position";
const DOCUMENTS = "SELECT projection, key, state FROM projection_documents";

async function readContents(databaseUrl: string): Promise<Contents> {
  let eventRows: EventRow[];
  let documentRows: { projection: string; key: string; state: string | object }[];
  if (databaseUrl.startsWith("sqlite:")) {
    const db = new Database(databaseUrl.slice("sqlite:".length), { readonly: true });
    try {
      eventRows = db.prepare(EVENTS).all() as EventRow[];
      documentRows = db.prepare(DOCUMENTS).all() as typeof documentRows;
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client(databaseUrl);
    await client.connect();
    try {
      // One snapshot for both: a transaction whose COMMIT the killed server had already sent
      // may still commit while they are read.
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      eventRows = (await client.query(EVENTS.replace("*", "*, payload::text AS payload"))).rows;
      documentRows = (await client.query(DOCUMENTS.replace("state", "state::text AS state"))).rows;
      await client.query("COMMIT");
    } finally {
      await client.end();
    }
  }
  const events = eventRows.map((row) => ({
    aggregate: { type: row.aggregate_type, id: row.aggregate_id },
    resourceOwner: row.resource_owner,
    sequence: Number(row.sequence),
    position: Number(row.position),
    type: row.type,
    payload: JSON.parse(row.payload),
    creator: row.creator,
    createdAt: new Date(row.created_at),
  }));
  const documents = new Map(
    documentRows.map((row) => [documentId(row), typeof row.state === "string" ? JSON.parse(row.state) : row.state]),
  );
  return { events, documents };
}

/** The three promises, checked on what the database holds now. */
function expectDurable(contents: Contents, acknowledged: readonly Acknowledged[]): void {
  const byAggregate = new Map<string, StoredEvent[]>();
  for (const event of contents.events) {
    const key = event.aggregate.id;
    byAggregate.set(key, [...(byAggregate.get(key) ?? []), event]);
  }
  const missing = acknowledged.filter(
    (write) => byAggregate.get(write.aggregate)?.find((e) => e.sequence === write.sequence)?.type !== write.type,
  );
  expect(missing).toEqual([]);
  for (const [aggregate, events] of byAggregate) {
    const sequences = events.map((e) => e.sequence).sort((a, b) => a - b);
    expect({ aggregate, sequences }).toEqual({ aggregate, sequences: sequences.map((_, i) => i + 1) });
  }
  const reduced = reduceDocuments(projections, contents.events, new Map());
  const expected = new Map(
    reduced.filter((change) => change.state !== undefined).map((change) => [documentId(change), JSON.parse(JSON.stringify(change.state))]),
  );
  expect(contents.documents).toEqual(expected);
}

interface CrashOptions {
  readonly rounds: number;
  readonly databaseUrl: string;
  /** Crashes and restarts the database under the load of this round, if it can. */
  readonly restartDatabase?: (round: number) => Promise<void> | undefined;
}

interface CrashFigures {
  acknowledged: number;
  events: number;
}

async function crashRounds({ rounds, databaseUrl, restartDatabase }: CrashOptions): Promise<CrashFigures> {
  const random = seeded(SEED);
  const env = {
    LPS_DATABASE_URL: databaseUrl,
    LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat"),
    LPS_DATABASE_CHECK_INTERVAL_MS: "500",
  };
  // The first start sets the instance up; two organizations get a custom policy each.
  const first = await startServerProcess(env);
  const token = first.adminToken;
  const instanceId = (await readContents(databaseUrl)).events.find((e) => e.aggregate.type === "instance")!.aggregate.id;
  const orgIds: string[] = [];
  for (const name of ["Crash A", "Crash B"]) {
    const added = await runCli(["orgs", "add", name], { LPS_DATABASE_URL: databaseUrl });
    expect(added.code).toBe(0);
    orgIds.push(added.stdout.trim());
  }
  const setup = new GrpcJsClient(new URL(first.url).host, undefined, {}, bearer(token));
  for (const orgId of orgIds) expectOk(await setup.call("management", "AddCustomLoginPolicy", { allowUsernamePassword: true }, { "x-zitadel-orgid": orgId }));
  setup.close();
  await first.stop("SIGKILL");

  const targets: Target[] = [
    ...["SECOND_FACTOR_TYPE_OTP_EMAIL", "SECOND_FACTOR_TYPE_OTP_SMS"].map((factor) => ({
      service: "admin" as const,
      aggregate: instanceId,
      eventPrefix: "instance",
      headers: {},
      factor,
    })),
    ...orgIds.map((orgId) => ({
      service: "management" as const,
      aggregate: orgId,
      eventPrefix: "org",
      headers: { "x-zitadel-orgid": orgId },
      factor: "SECOND_FACTOR_TYPE_OTP_EMAIL",
    })),
  ];

  const acknowledged: Acknowledged[] = [];
  for (let round = 0; round < rounds; round++) {
    const server = await startServerProcess(env);
    const client = new GrpcJsClient(new URL(server.url).host, undefined, {}, bearer(token));
    let databaseAway = false;
    const load = startLoad(client, targets, () => databaseAway);
    // Kill at a random moment once writes flow, so every round has writes in flight.
    await waitFor(() => load.acknowledged.length > 0 || load.faults.length > 0, "a first write", 30_000);
    await sleep(random() * 150);
    const restart = restartDatabase?.(round);
    if (restart) {
      databaseAway = true;
      await restart;
      // Let the server find the database again and take writes, then kill it at a random moment.
      const before = load.acknowledged.length;
      await waitFor(() => load.acknowledged.length > before, "a write after the database restarted", 30_000);
      databaseAway = false;
      await sleep(random() * 100);
    }
    const stopped = load.stop(); // from here on, answers count neither way
    expect(await server.stop("SIGKILL")).toBe("SIGKILL");
    await stopped;
    client.close();
    expect({ round, faults: load.faults }).toEqual({ round, faults: [] });
    acknowledged.push(...load.acknowledged);
    expectDurable(await readContents(databaseUrl), acknowledged);
  }
  return { acknowledged: acknowledged.length, events: (await readContents(databaseUrl)).events.length };
}

describe("a server killed under concurrent writers, 100 times (SQLite)", () => {
  it("keeps every acknowledged write, half-writes nothing, and leaves no sequence gap", async () => {
    const figures = await crashRounds({ rounds: 100, databaseUrl: `sqlite:${join(tempDir(), "lps.db")}` });
    // Each round must have had load to lose: on average several writes.
    expect(figures.acknowledged).toBeGreaterThan(500);
    process.stdout.write(`crash durability, SQLite, seed ${SEED}: ${JSON.stringify(figures)}\n`);
  }, 600_000);
});

describePostgres("a server killed under concurrent writers, 30 times, and its database crashed (PostgreSQL)", () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await PostgresCluster.start(testClusterOptions());
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it("keeps every acknowledged write, half-writes nothing, and leaves no sequence gap", async () => {
    const figures = await crashRounds({
      rounds: 30,
      databaseUrl: await cluster.createDatabase(),
      restartDatabase: (round) =>
        round % 3 === 1 ? cluster.stop("immediate").then(() => cluster.start()) : undefined,
    });
    expect(figures.acknowledged).toBeGreaterThan(60);
    process.stdout.write(`crash durability, PostgreSQL, seed ${SEED}: ${JSON.stringify(figures)}\n`);
  }, 600_000);
});
