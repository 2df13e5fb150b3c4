/**
 * Fuzzing, black-box, against the server as operators run it (a child process): random and
 * mutated requests at every door (gRPC over HTTP/2, gRPC-Web, Connect over HTTP/1.1 and h2c,
 * REST), seeded and bounded. Every answer must be right for its case (fuzz-verdict.ts), the
 * process must never die or log an error, its memory after garbage collection must come back
 * near where it was, it must hold no more file descriptors than before once the clients are
 * gone, and the event log, counted behind its back, must not change: no case can write (the
 * admin's token is sent only to reads, a viewer's to writes).
 *
 * LPS_FUZZ_RUNS sets the number of cases (10,000 by default), LPS_FUZZ_SEED the seed.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { repositoryPath } from "../../harness/repository.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { runCli, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { eventCount, freshDatabaseUrl } from "../support/test-database.js";
import { waitFor } from "../support/wait-for.js";
import { fuzzCase, type FuzzCase } from "./fuzz-cases.js";
import { verdict } from "./fuzz-verdict.js";
import { FuzzWire, NotSent } from "./fuzz-wire.js";

const RUNS = Number(process.env.LPS_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.LPS_FUZZ_SEED ?? 20261130);
/** Cases in flight at once, over the few connections of FuzzWire. */
const CONCURRENCY = 8;
/** Cases drawn at a time, so that a million never sit in memory together. */
const BATCH = 1000;
const WARM_UP = 500;

const PROBE = repositoryPath("dist/harness/memory-probe.js");

let server: ServerProcess;
let databaseUrl: string;
let viewerToken: string;

async function lps(env: Record<string, string>, ...args: string[]): Promise<any> {
  const result = await runCli([...args, "--json"], env);
  if (result.code !== 0) throw new Error(`lps ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  databaseUrl = await freshDatabaseUrl();
  const env = { LPS_DATABASE_URL: databaseUrl, LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat") };
  // A caller who may read the default policy and nothing else.
  await lps(env, "orgs", "list");
  const viewer = await lps(env, "users", "add", "viewer");
  await lps(env, "members", "grant", viewer.id, "IAM_OWNER_VIEWER");
  viewerToken = (await lps(env, "tokens", "create", viewer.id)).token;
  // Rate limits off: every case is judged for what it is, not for how many came before it
  // (the hostile-network suite tries the limits).
  const unlimited = { LPS_RATE_LIMIT_PER_ADDRESS: "0", LPS_RATE_LIMIT_PER_CALLER: "0", LPS_RATE_LIMIT_AUTH_FAILURES: "0" };
  server = await startServerProcess({ ...env, ...unlimited, LPS_LOG_LEVEL: "warn" }, [], {
    execArgv: ["--expose-gc", "--import", PROBE],
    ipc: true,
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

function memory(): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve) => {
    server.child.once("message", (usage) => resolve(usage as NodeJS.MemoryUsage));
    server.child.send("memory");
  });
}

function openDescriptors(): number {
  return readdirSync(`/proc/${server.child.pid}/fd`).length;
}

/** The cases of batch `index`: the same for the same seed, on every run. */
function batch(index: number, size: number): FuzzCase[] {
  return fc.sample(fuzzCase(), { seed: SEED + index, numRuns: size });
}

interface Tally {
  sent: number;
  notSent: number;
  failures: string[];
  byStatus: Map<string, number>;
}

async function run(wire: FuzzWire, cases: FuzzCase[], tally: Tally, label: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const c = cases[index]!;
      try {
        const answer = await wire.send(c);
        tally.sent++;
        const key = `${c.door === "rpc" ? c.protocol : "rest"} ${answer.status}`;
        tally.byStatus.set(key, (tally.byStatus.get(key) ?? 0) + 1);
        const problem = verdict(c, answer);
        if (problem && tally.failures.length < 20) tally.failures.push(`${label}#${index}: ${problem}\n  case: ${describeCase(c)}`);
      } catch (error) {
        if (error instanceof NotSent) tally.notSent++;
        else if (tally.failures.length < 20) tally.failures.push(`${label}#${index}: no answer: ${(error as Error).message}\n  case: ${describeCase(c)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function describeCase(c: FuzzCase): string {
  const body = Buffer.from(c.body).toString("base64").slice(0, 120);
  return JSON.stringify({ ...c, body });
}

function errorLines(output: string): string[] {
  return output.split("\n").filter((line) => /"level":(5|6)\d/.test(line) || /Unhandled|TypeError|RangeError|Warning/.test(line));
}

describe(`fuzzing every door (${RUNS} cases, seed ${SEED})`, () => {
  it(
    "answers every case rightly, stays up, frees what it took, and writes nothing",
    async () => {
      const descriptorsBefore = openDescriptors();
      const eventsBefore = await eventCount(databaseUrl);
      const wire = new FuzzWire(server.url, { admin: server.adminToken, viewer: viewerToken });
      const tally: Tally = { sent: 0, notSent: 0, failures: [], byStatus: new Map() };
      const started = Date.now();

      // Warm up (code paths compiled, pools filled) before the memory baseline.
      await run(wire, batch(-1, Math.min(WARM_UP, RUNS)), tally, "warm-up");
      const baseline = await memory();
      let drawing = 0;
      for (let done = 0, index = 0; done < RUNS; done += BATCH, index++) {
        const t0 = Date.now();
        const cases = batch(index, Math.min(BATCH, RUNS - done));
        drawing += Date.now() - t0;
        await run(wire, cases, tally, `batch ${index}`);
        expect(server.child.exitCode).toBeNull();
        if (tally.failures.length >= 20) break;
      }
      wire.close();
      const after = await memory();
      const seconds = (Date.now() - started) / 1000;

      // The figures, for test/reliability/README.md.
      process.stdout.write(
        `fuzz: ${tally.sent} answered, ${tally.notSent} not sendable, in ${seconds.toFixed(1)} s (${(drawing / 1000).toFixed(1)} s drawing cases); ` +
          `heap after GC ${(baseline.heapUsed / 2 ** 20).toFixed(1)} -> ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB, ` +
          `RSS ${(baseline.rss / 2 ** 20).toFixed(0)} -> ${(after.rss / 2 ** 20).toFixed(0)} MiB\n` +
          `  ${[...tally.byStatus].sort().map(([k, v]) => `${k}: ${v}`).join(", ")}\n`,
      );

      expect(tally.failures).toEqual([]);
      expect(server.child.exitCode).toBeNull();
      expect(errorLines(server.output())).toEqual([]);
      expect(tally.sent).toBeGreaterThanOrEqual(RUNS * 0.95);
      expect(await eventCount(databaseUrl)).toBe(eventsBefore);
      // What the cases took is given back: the heap within a few MiB of where it stood.
      expect(after.heapUsed).toBeLessThan(baseline.heapUsed * 1.25 + 8 * 2 ** 20);
      await waitFor(() => openDescriptors() <= descriptorsBefore, "the server to close the fuzzing connections");
    },
    60_000 + RUNS * 20,
  );
});
