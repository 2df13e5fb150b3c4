/**
 * Measurements: a scenario's calls under the load generator for the run's warm-up and
 * duration, labelled for the table, and reported on stderr as they finish so that a long
 * run shows where it is. A row and its baseline are measured in turns (A B B A ...), so
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

/** Calls before each turn is measured, for its connections to fill with calls again. */
const REWARM_MS = 200;

/** The subject and its baseline, as two rows of the table; the subject's compares with the baseline. */
export async function measureAgainst(options: BenchOptions, baseline: Subject, subject: Subject): Promise<Row[]> {
  const [base, measured] = await measureInTurns(options, [baseline, subject]);
  return [{ measured: base! }, { measured: measured!, baseline: base! }];
}

/**
 * The subject and several baselines, all in turns. The first baseline is the yardstick: the
 * rows of the other baselines and the subject's compare with it. The subject's row then
 * comes once more, compared with the last baseline, the one nearest to it.
 */
export async function measureAgainstEach(options: BenchOptions, baselines: readonly Subject[], subject: Subject): Promise<Row[]> {
  const measured = await measureInTurns(options, [...baselines, subject]);
  const [yardstick, ...others] = measured;
  const nearest = measured.at(-2)!;
  return [{ measured: yardstick! }, ...others.map((m) => ({ measured: m, baseline: yardstick! })), { measured: measured.at(-1)!, baseline: nearest }];
}

/** Subjects measured in turns, each row as it is; the caller pairs them with baselines. */
export async function measureInTurns(options: BenchOptions, subjects: readonly Subject[]): Promise<Measured[]> {
  const results = subjects.map((): LoadResult[] => []);
  const load = (subject: Subject, warmupMs: number, durationMs: number) =>
    runLoad(subject.calls.call, { concurrency: subject.callers, warmupMs, durationMs, serverPid: subject.serverPid });
  try {
    // All warm up before any is measured, so that the first measured is not the coldest.
    for (const subject of subjects) await load(subject, 0, options.warmupMs);
    for (let round = 0; round < options.rounds; round++) {
      // Each round in the other order (A B, B A, ...), so that none is always measured first.
      const turns = round % 2 === 0 ? [...subjects.keys()] : [...subjects.keys()].reverse();
      for (const i of turns) results[i]!.push(await load(subjects[i]!, REWARM_MS, options.durationMs / options.rounds));
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
  const who = `${callers} caller${callers === 1 ? "" : "s"}`;
  process.stderr.write(`${engine} · ${scenario} · ${protocol} · ${who}: ${rate}/s, p50 ${p50} ms, ${result.errors} errors\n`);
}
