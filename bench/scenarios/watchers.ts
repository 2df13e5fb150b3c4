/**
 * Many watchers, many changes: `--watchers` streams of the default policy (gRPC, fifty to a
 * connection, as the server allows a hundred streams per connection) stay open on the one
 * server while the policy changes `--changes` times, by CHANGERS administrators at once,
 * each switching a second factor of its own on and off. The row is
 * the changes, whose cost now includes telling every watcher, against the same number of
 * changes with no one watching; the server's memory is sampled after a full garbage
 * collection before, during and after, and must not grow with the changes, since a watcher
 * keeps only whether something changed, never a queue. At the end every watcher must hold
 * the last version.
 */
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import { LoginPolicyWatchService } from "../../gen/lps/v1/login_policy_watch_pb.js";
import { bearer } from "../../harness/connect-clients.js";
import type { EngineRun } from "../engine-run.js";
import { factorToggles, SECOND_FACTOR_TYPES } from "../factor-toggles.js";
import type { LoadResult } from "../load-generator.js";
import type { Measured } from "../measurement.js";
import { cpuTimeMs } from "../process-cpu.js";
import type { MemoryReport, MemorySample } from "./memory.js";

const STREAMS_PER_CONNECTION = 50;
/** Administrators changing the policy at once: one per second factor there is. */
const CHANGERS = SECOND_FACTOR_TYPES.length;
/** Samples while the policy changes. */
const SAMPLES = 5;
/** However slow the machine, each wait ends within this, or the run says so. */
const CATCH_UP_LIMIT_MS = 600_000;

interface Watcher {
  messages: number;
  version: string;
}

export async function watchersScenario(run: EngineRun): Promise<MemoryReport> {
  const { service, options, engine } = run;
  const labels = { engine: engine.name, protocol: "grpc" };
  const toggles = await factorToggles(
    service,
    SECOND_FACTOR_TYPES.map((factor) => ({ policy: { service: "admin" }, factor })),
  );
  /** `count` changes by CHANGERS at once; `progress` hears of each one done. */
  const changes = async (count: number, progress?: (done: number) => void): Promise<LoadResult> => {
    const latencies: number[] = [];
    const server = cpuTimeMs(service.pid);
    const client = process.cpuUsage();
    const started = performance.now();
    let errors = 0;
    let firstError: string | undefined;
    let begun = 0;
    const changer = async (caller: number) => {
      while (begun < count) {
        begun++;
        const at = performance.now();
        try {
          await toggles.call(caller);
          latencies.push(performance.now() - at);
        } catch (error) {
          errors++;
          firstError ??= String(error);
        }
        progress?.(latencies.length + errors);
      }
    };
    await Promise.all(Array.from({ length: CHANGERS }, (_, caller) => changer(caller)));
    const { user, system } = process.cpuUsage(client);
    return {
      seconds: (performance.now() - started) / 1000,
      ok: latencies.length,
      errors,
      firstError,
      latenciesMs: Float64Array.from(latencies).sort(),
      serverCpuMs: cpuTimeMs(service.pid) - server,
      clientCpuMs: (user + system) / 1000,
    };
  };

  process.stderr.write(`${engine.name} · watchers · ${options.changes} changes with no one watching: `);
  const unwatched = await changes(options.changes);
  process.stderr.write(`${Math.round(unwatched.ok / unwatched.seconds)}/s\n`);

  const stop = new AbortController();
  // Every stream listens to it.
  setMaxListeners(0, stop.signal);
  const watchers: Watcher[] = [];
  const streams: Promise<void>[] = [];
  let failures = 0;
  for (let i = 0; i < options.watchers; i += STREAMS_PER_CONNECTION) {
    const client = createClient(LoginPolicyWatchService, createGrpcTransport({ baseUrl: service.url }));
    for (let j = i; j < Math.min(i + STREAMS_PER_CONNECTION, options.watchers); j++) {
      const watcher: Watcher = { messages: 0, version: "" };
      watchers.push(watcher);
      streams.push(
        (async () => {
          for await (const message of client.watchDefaultLoginPolicy({}, { signal: stop.signal, headers: bearer(service.token) })) {
            watcher.messages++;
            watcher.version = message.version;
          }
        })().catch(() => {
          if (!stop.signal.aborted) failures++;
        }),
      );
    }
  }
  const sample = async (atSeconds: number): Promise<MemorySample> => {
    const { rss, heapUsed } = await service.memory();
    return { atSeconds, residentBytes: rss, heapUsedBytes: heapUsed };
  };
  try {
    await until(() => watchers.every((watcher) => watcher.messages > 0), "every watcher's first message");
    process.stderr.write(`${engine.name} · watchers · ${options.changes} changes with ${options.watchers} watching: `);
    const samples = [await sample(0)];
    const started = performance.now();
    // Sampled while the changes go on, each time another share of them is done.
    let done = 0;
    const changed = changes(options.changes, (n) => (done = n));
    for (let n = 1; n <= SAMPLES; n++) {
      await until(() => done >= (n * options.changes) / (SAMPLES + 1), `${n} of ${SAMPLES + 1} shares of the changes`);
      samples.push(await sample((performance.now() - started) / 1000));
    }
    const watched = await changed;
    const current = await currentVersion(service.url, service.token);
    await until(() => watchers.every((watcher) => watcher.version === current), "every watcher to hold the last version");
    const delivered = watchers.reduce((sum, watcher) => sum + watcher.messages, 0);
    samples.push(await sample((performance.now() - started) / 1000));
    process.stderr.write(
      `${Math.round(watched.ok / watched.seconds)}/s; ${delivered.toLocaleString("en")} messages delivered, ${failures} streams failed\n`,
    );
    // A stream that failed is an error of the row, as a failed change is.
    const result = { ...watched, errors: watched.errors + failures, firstError: watched.firstError ?? (failures > 0 ? "a watch stream failed" : undefined) };
    const measured: Measured = { ...labels, scenario: `policy changes, ${options.watchers} watching`, callers: 1, result };
    const baseline: Measured = { ...labels, scenario: "policy changes, none watching", callers: 1, result: unwatched };
    return {
      engine: engine.name,
      load: `${options.changes.toLocaleString("en")} changes of a policy ${options.watchers.toLocaleString("en")} streams watch (${delivered.toLocaleString("en")} messages delivered)`,
      row: { measured, baseline },
      samples,
    };
  } finally {
    stop.abort();
    await Promise.all(streams);
    toggles.close();
  }
}

/** The default policy's version now: the first message of a stream of its own. */
async function currentVersion(url: string, token: string): Promise<string> {
  const client = createClient(LoginPolicyWatchService, createGrpcTransport({ baseUrl: url }));
  const done = new AbortController();
  for await (const message of client.watchDefaultLoginPolicy({}, { signal: done.signal, headers: bearer(token) })) {
    done.abort();
    return message.version;
  }
  throw new Error("the watch stream ended before its first message");
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + CATCH_UP_LIMIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`the watchers scenario gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
