/**
 * The load generator: a fixed number of callers, each starting its next call when its last
 * one is answered (a closed loop), first for a warm-up and then for the measured time. Only
 * the measured time counts: the calls answered OK and their latencies, the errors (any
 * other answer), and the CPU time of the server (read from /proc) and of this process.
 */
import { performance } from "node:perf_hooks";
import { setImmediate as yieldToEvents, setTimeout as sleep } from "node:timers/promises";
import { cpuTimeMs } from "./process-cpu.js";

/** One call by the caller with this index; resolves when answered OK, throws on any other answer. */
export type Call = (caller: number) => Promise<void>;

/** Calls for the load generator, and how to let go of their connections. */
export interface Calls {
  readonly call: Call;
  close(): void;
}

export interface LoadSettings {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** The server's process, when the calls go to another one. */
  readonly serverPid?: number;
}

export interface LoadResult {
  readonly seconds: number;
  readonly ok: number;
  readonly errors: number;
  readonly firstError?: string;
  /** Latencies of the calls answered OK, in milliseconds, ascending. */
  readonly latenciesMs: Float64Array;
  /** CPU time the server used in the measured time, in milliseconds. */
  readonly serverCpuMs?: number;
  /** CPU time this process used in the measured time: the clients' own cost. */
  readonly clientCpuMs: number;
}

interface Clock {
  readonly at: number;
  readonly clientCpuMs: number;
  readonly serverCpuMs?: number;
}

function readClock(serverPid: number | undefined): Clock {
  const { user, system } = process.cpuUsage();
  return {
    at: performance.now(),
    clientCpuMs: (user + system) / 1000,
    serverCpuMs: serverPid === undefined ? undefined : cpuTimeMs(serverPid),
  };
}

export async function runLoad(call: Call, settings: LoadSettings): Promise<LoadResult> {
  let measuring = false;
  let running = true;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const caller = async (index: number) => {
    while (running) {
      const started = performance.now();
      try {
        await call(index);
        if (measuring) latencies.push(performance.now() - started);
      } catch (error) {
        if (measuring) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
        // A call that fails without waiting for anything must not keep the timers from firing.
        await yieldToEvents();
      }
    }
  };
  const callers = Array.from({ length: settings.concurrency }, (_, index) => caller(index));
  await sleep(settings.warmupMs);
  const start = readClock(settings.serverPid);
  measuring = true;
  await sleep(settings.durationMs);
  measuring = false;
  const end = readClock(settings.serverPid);
  running = false;
  await Promise.all(callers);
  return {
    seconds: (end.at - start.at) / 1000,
    ok: latencies.length,
    errors,
    firstError,
    latenciesMs: Float64Array.from(latencies).sort(),
    serverCpuMs: end.serverCpuMs === undefined ? undefined : end.serverCpuMs - start.serverCpuMs!,
    clientCpuMs: end.clientCpuMs - start.clientCpuMs,
  };
}

/** The latency below which the fraction q of the calls were answered. */
export function percentile(sortedMs: Float64Array, q: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor(q * sortedMs.length))]!;
}

/** Several measured times of the same calls as one. */
export function combine(results: readonly LoadResult[]): LoadResult {
  const sum = (value: (result: LoadResult) => number | undefined) => results.reduce((total, r) => total + (value(r) ?? NaN), 0);
  const latencies = new Float64Array(sum((r) => r.latenciesMs.length));
  let offset = 0;
  for (const result of results) {
    latencies.set(result.latenciesMs, offset);
    offset += result.latenciesMs.length;
  }
  return {
    seconds: sum((r) => r.seconds),
    ok: sum((r) => r.ok),
    errors: sum((r) => r.errors),
    firstError: results.find((r) => r.firstError)?.firstError,
    latenciesMs: latencies.sort(),
    serverCpuMs: results[0]?.serverCpuMs === undefined ? undefined : sum((r) => r.serverCpuMs),
    clientCpuMs: sum((r) => r.clientCpuMs),
  };
}
