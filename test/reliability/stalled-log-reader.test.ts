/**
 * A reader of the server's stdout that stops reading (a stalled log collector, a full pipe)
 * costs the server neither its calls nor unbounded memory: the lines it cannot write wait
 * up to LPS_LOG_HELD_BYTES, the ones past that are dropped and counted in
 * lps_log_lines_dropped_total, and once the reader reads again, new lines reach it. Nor does
 * it, or a reader that went away, keep the server from stopping: SIGTERM ends it within
 * seconds, whatever stdout does with the last lines.
 */
import { afterAll, expect, it } from "@jest/globals";
import type { ServerProcess } from "../support/server-process.js";
import { join } from "node:path";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient, type GrpcResult } from "../../harness/grpc-js-client.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { parseSamples, sampleValue } from "../support/prometheus-text.js";
import { startServerProcess } from "../support/server-process.js";
import { waitFor } from "../support/wait-for.js";

afterAll(removeTempDirs);

/** The smallest limit the setting takes: a few hundred call lines fill it. */
const HELD_BYTES = 128 * 1024;
/** Enough calls for several times the pipe's buffer (64 KB on Linux) and the limit together. */
const CALLS = 2000;
const CALLERS = 16;

/** Makes `calls` calls from CALLERS callers, and expects every one answered OK. */
async function callMany(client: GrpcJsClient, calls: number): Promise<void> {
  let next = 0;
  const failed: GrpcResult[] = [];
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next++ < calls) {
        const result = await client.call("admin", "GetLoginPolicy");
        if (!result.ok) failed.push(result);
      }
    }),
  );
  expect(failed).toEqual([]);
}

/** Sends SIGTERM; resolves with the exit code, or "still running" after `ms`. */
function stopWithin(server: ServerProcess, ms: number): Promise<number | string> {
  return Promise.race([server.stop("SIGTERM"), new Promise<string>((resolve) => setTimeout(() => resolve("still running"), ms).unref())]);
}

/** Its calls are done, so it stops at once but for the log: a few seconds are plenty. */
const STOPS_WITHIN_MS = 10_000;

it("keeps answering while nobody reads its log, drops and counts lines past the limit, and logs again once read", async () => {
  const server = await startServerProcess({
    LPS_DATABASE_URL: `sqlite:${join(tempDir(), "lps.db")}`,
    LPS_LOG_LEVEL: "info",
    LPS_LOG_HELD_BYTES: String(HELD_BYTES),
    LPS_METRICS: "open",
  });
  const client = new GrpcJsClient(new URL(server.url).host, undefined, {}, bearer(server.adminToken));
  try {
    server.child.stdout!.pause();
    await callMany(client, CALLS);

    const samples = parseSamples(await (await fetch(`${server.url}/metrics`)).text());
    const dropped = sampleValue(samples, "lps_log_lines_dropped_total");
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(CALLS);

    // Lines made before the held ones are written may still be dropped: call until one arrives.
    server.child.stdout!.resume();
    const requestIds: string[] = [];
    await waitFor(async () => {
      const requestId = `after-the-reader-came-back-${requestIds.length}`;
      expectOk(await client.call("admin", "GetLoginPolicy", {}, { "x-request-id": requestId }));
      requestIds.push(requestId);
      return requestIds.some((id) => server.output().includes(id));
    }, "a new call's log line to reach stdout");
  } finally {
    client.close();
    await server.stop();
  }
}, 120_000);

it("stops on SIGTERM while nobody reads its log, leaving unwritten what stdout does not take", async () => {
  const server = await startServerProcess({
    LPS_DATABASE_URL: `sqlite:${join(tempDir(), "lps.db")}`,
    LPS_LOG_LEVEL: "info",
    LPS_LOG_HELD_BYTES: String(HELD_BYTES),
  });
  const client = new GrpcJsClient(new URL(server.url).host, undefined, {}, bearer(server.adminToken));
  server.child.stdout!.pause();
  await callMany(client, CALLS);
  client.close();
  expect(await stopWithin(server, STOPS_WITHIN_MS)).toBe(0);
}, 60_000);

it("stops on SIGTERM after its log's reader has gone", async () => {
  const server = await startServerProcess({ LPS_DATABASE_URL: `sqlite:${join(tempDir(), "lps.db")}`, LPS_LOG_LEVEL: "info" });
  // The read end of the pipe closes: every write to it fails (EPIPE) from now on. The lines
  // the server writes next (its shutdown's) are its first to find that out.
  server.child.stdout!.destroy();
  expect(await stopWithin(server, STOPS_WITHIN_MS)).toBe(0);
}, 60_000);
