/**
 * Measurements: a scenario's calls under the load generator for the run's warm-up and
 * duration, labelled for the table, and reported on stderr as they finish so that a long
 * run shows where it is. A row and its baseline are measured in turns (A B A B ...), so
 * that what else the machine does meanwhile falls on both alike.
 */
import { combine, percentile, runLoad, type Calls, type LoadResult } from "./load-generator.js";
import type { BenchOptions } from "./options.js";
import type { Row } from "./row.js";

export interface Labels {
  /** The storage engine, or "-" for what uses none. */
  readonly engine: string;
  readonly scenario: string;
  readonly protocol: string;
}

export interface Measured extends Labels {
  readonly callers: number;
  readonly result: LoadResult;
}

/** What to measure: calls, how many callers make them, and which process serves them. */
export interface Subject {
  readonly labels: Labels;
  readonly calls: Calls;
  readonly callers: number;
  /** The process that serves the calls, when it is another one. */
  readonly serverPid?: number;
}

/** A pause after switching turns, for the connections to fill with calls again. */
const REWARM_MS = 200;

export async function measure(options: BenchOptions, subject: Subject): Promise<Measured> {
  const [measured] = await measureInTurns(options, [subject]);
  return measured!;
}

/** The subject and its baseline, as two rows of the table; the subject's compares with the baseline. */
export async function measureAgainst(options: BenchOptions, baseline: Subject, subject: Subject): Promise<Row[]> {
  const [base, measured] = await measureInTurns(options, [baseline, subject]);
  return [{ measured: base! }, { measured: measured!, baseline: base! }];
}

async function measureInTurns(options: BenchOptions, subjects: readonly Subject[]): Promise<Measured[]> {
  const results = subjects.map((): LoadResult[] => []);
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const [i, subject] of subjects.entries()) {
        results[i]!.push(
          await runLoad(subject.calls.call, {
            concurrency: subject.callers,
            warmupMs: round === 0 ? options.warmupMs : REWARM_MS,
            durationMs: options.durationMs / options.rounds,
            serverPid: subject.serverPid,
          }),
        );
      }
    }
  } finally {
    for (const subject of subjects) subject.calls.close();
  }
  return subjects.map((subject, i) => {
    const measured = { ...subject.labels, callers: subject.callers, result: combine(results[i]!) };
    report(measured);
    return measured;
  });
}

function report({ engine, scenario, protocol, callers, result }: Measured): void {
  const rate = Math.round(result.ok / result.seconds);
  const p50 = percentile(result.latenciesMs, 0.5).toFixed(2);
  process.stderr.write(`${engine} · ${scenario} · ${protocol} · ${callers} callers: ${rate}/s, p50 ${p50} ms, ${result.errors} errors\n`);
}
