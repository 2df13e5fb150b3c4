/**
 * What a benchmark run measures and for how long: flags (`npm run bench -- --quick`), else
 * LPS_BENCH_* environment variables, else the defaults of a full run.
 */
import { parseArgs } from "node:util";

/** In the order they run. */
export const SCENARIOS = ["reads", "management", "writes", "history", "memory", "watchers", "population"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const ENGINES = ["sqlite", "postgres"] as const;
export type EngineName = (typeof ENGINES)[number];

export interface BenchOptions {
  /** How long each row is measured, over all its turns. */
  readonly durationMs: number;
  /** How long each row is called before its first turn is measured. */
  readonly warmupMs: number;
  /**
   * A row and its baseline are measured in turns, this many each, which shares out between
   * them whatever else the machine is doing meanwhile.
   */
  readonly rounds: number;
  /** Calls in flight at once (HTTP/1.1 protocols open one connection per call in flight). */
  readonly concurrency: number;
  /** How long the memory scenario keeps the load up. */
  readonly memoryMs: number;
  /** How many more events the long history has than the short one. */
  readonly historyEvents: number;
  /** Watch streams open at once in the watchers scenario. */
  readonly watchers: number;
  /** Changes of the watched policy in the watchers scenario. */
  readonly changes: number;
  /** Calls the writers racing on one policy make, counting the Aborted answers. */
  readonly raceCalls: number;
  /** Organizations, each with a user and a token, that the population scenario adds. */
  readonly population: number;
  readonly scenarios: ReadonlySet<Scenario>;
  readonly engines: readonly EngineName[];
  /** initdb and pg_ctl, for the postgres engine. */
  readonly postgresBin?: string;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `usage: npm run bench -- [--quick] [--duration S] [--warmup S] [--rounds N] [--concurrency N]
                      [--scenarios ${SCENARIOS.join(",")}] [--engines ${ENGINES.join(",")}]
                      [--memory-duration S] [--history-events N] [--watchers N] [--changes N]
                      [--race-calls N] [--population N]
                      [--postgres-bin DIR]
Each flag also reads from LPS_BENCH_<FLAG> (LPS_BENCH_DURATION=5). --quick runs every
scenario briefly (a few minutes, a tenth of the racing calls and of the population); the
defaults run each for 10 s after 2 s of warm-up.`;

const DEFAULTS = { concurrency: "16", scenarios: SCENARIOS.join(","), engines: "sqlite", "history-events": "10000" };
const FULL = {
  ...DEFAULTS,
  duration: "10",
  warmup: "2",
  rounds: "5",
  "memory-duration": "30",
  watchers: "1000",
  changes: "1000",
  "race-calls": "10000",
  population: "100000",
};
const QUICK = {
  ...DEFAULTS,
  duration: "0.8",
  warmup: "0.2",
  rounds: "2",
  "memory-duration": "3",
  watchers: "200",
  changes: "100",
  "race-calls": "1000",
  population: "10000",
};

const FLAGS = {
  quick: { type: "boolean" },
  help: { type: "boolean" },
  duration: { type: "string" },
  warmup: { type: "string" },
  rounds: { type: "string" },
  concurrency: { type: "string" },
  scenarios: { type: "string" },
  engines: { type: "string" },
  "memory-duration": { type: "string" },
  "history-events": { type: "string" },
  watchers: { type: "string" },
  changes: { type: "string" },
  "race-calls": { type: "string" },
  population: { type: "string" },
  "postgres-bin": { type: "string" },
} as const;

type ValueFlag = Exclude<keyof typeof FLAGS, "quick" | "help">;

/** Undefined when --help asked for the usage instead. */
export function parseBenchOptions(args: readonly string[], env: NodeJS.ProcessEnv): BenchOptions | undefined {
  let flags: Partial<Record<keyof typeof FLAGS, string | boolean>>;
  try {
    flags = parseArgs({ args: [...args], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (flags.help) return undefined;
  const quick = flags.quick === true || env.LPS_BENCH_QUICK === "1";
  const given = (name: ValueFlag): string | undefined => {
    const value = flags[name] ?? env[`LPS_BENCH_${name.toUpperCase().replaceAll("-", "_")}`];
    return typeof value === "string" ? value : undefined;
  };
  const raw = (name: keyof typeof FULL): string => given(name) ?? (quick ? QUICK : FULL)[name];
  const seconds = (name: keyof typeof FULL) => Math.round(number(name, raw(name), 0.1) * 1000);
  const whole = (name: keyof typeof FULL) => Math.round(number(name, raw(name), 1));
  return {
    durationMs: seconds("duration"),
    warmupMs: seconds("warmup"),
    rounds: whole("rounds"),
    memoryMs: seconds("memory-duration"),
    concurrency: whole("concurrency"),
    historyEvents: whole("history-events"),
    watchers: whole("watchers"),
    changes: whole("changes"),
    raceCalls: whole("race-calls"),
    population: whole("population"),
    scenarios: new Set(list("scenarios", raw("scenarios"), SCENARIOS)),
    engines: list("engines", raw("engines"), ENGINES),
    postgresBin: given("postgres-bin"),
  };
}

function number(name: string, text: string, min: number): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min) throw new UsageError(`--${name} takes a number of at least ${min}, got "${text}"`);
  return value;
}

function list<T extends string>(name: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(",").map((item) => item.trim()).filter(Boolean);
  const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (unknown.length > 0 || items.length === 0) {
    throw new UsageError(`--${name} takes some of ${allowed.join(", ")}, got "${text}"`);
  }
  return [...new Set(items)] as T[];
}
