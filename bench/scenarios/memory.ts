/**
 * Flat memory under sustained load: the server's memory before, during and after a long
 * stretch of mixed calls (Admin reads over all four protocols, Management reads, and writes
 * to every organization's policy), each sample taken after a full garbage collection, so
 * that it counts what the server still holds rather than garbage not yet collected.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { EngineRun } from "../engine-run.js";
import { factorToggles } from "../factor-toggles.js";
import { runLoad, type Calls } from "../load-generator.js";
import type { Measured } from "../measurement.js";
import { adminPolicyRead, orgPolicyRead, READ_PROTOCOLS } from "../policy-reads.js";
import type { Row } from "../row.js";

export interface MemorySample {
  /** Seconds since the load started (0 for the sample before it). */
  readonly atSeconds: number;
  readonly residentBytes: number;
  readonly heapUsedBytes: number;
}

export interface MemoryReport {
  readonly engine: string;
  /** What the server did while the samples were taken. */
  readonly load: string;
  readonly row: Row;
  readonly samples: readonly MemorySample[];
}

/** Samples during the load. */
const SAMPLES = 6;

export async function memoryScenario(run: EngineRun): Promise<MemoryReport> {
  const { service, fixture, options } = run;
  const mix: Calls[] = [
    ...READ_PROTOCOLS.map((protocol) => adminPolicyRead(service, protocol)),
    orgPolicyRead(service, fixture.defaultPolicyOrgId),
    await factorToggles(
      service,
      fixture.customPolicyOrgIds.map((orgId) => ({ policy: { service: "management", orgId }, factor: "SECOND_FACTOR_TYPE_OTP_EMAIL" })),
    ),
  ];
  const turns = new Array<number>(options.concurrency).fill(0);
  const mixed: Calls = {
    call: (caller) => mix[turns[caller]++ % mix.length]!.call(caller),
    close: () => mix.forEach((calls) => calls.close()),
  };

  const sample = async (atSeconds: number): Promise<MemorySample> => {
    const { rss, heapUsed } = await service.memory();
    return { atSeconds, residentBytes: rss, heapUsedBytes: heapUsed };
  };
  const load = (durationMs: number) =>
    runLoad(mixed.call, { concurrency: options.concurrency, warmupMs: 0, durationMs, serverPid: service.pid });
  process.stderr.write(`${run.engine.name} · memory · ${options.memoryMs / 1000} s of mixed load: `);
  // Warmed up first, so that what the first calls set up once (compiled code, connections)
  // is in the sample before, and only what the load keeps adding shows as growth.
  await load(options.warmupMs);
  const samples = [await sample(0)];
  const started = Date.now();
  const loaded = load(options.memoryMs);
  for (let n = 1; n <= SAMPLES; n++) {
    await sleep(started + (n * options.memoryMs) / (SAMPLES + 1) - Date.now());
    samples.push(await sample((Date.now() - started) / 1000));
  }
  const result = await loaded;
  mixed.close();
  samples.push(await sample((Date.now() - started) / 1000));
  process.stderr.write(`${Math.round(result.ok / result.seconds)}/s, ${result.errors} errors\n`);
  const labels = { engine: run.engine.name, scenario: "sustained mixed load (memory)", protocol: "all four" };
  const measured: Measured = { ...labels, callers: options.concurrency, result };
  const described = `${result.seconds.toFixed(0)} s of mixed load (${result.ok.toLocaleString("en")} calls)`;
  return { engine: run.engine.name, load: described, row: { measured }, samples };
}
