/**
 * `npm run bench`: the service's speed and memory, as ratios to baselines measured in the
 * same run (see the README's "Benchmarks"). For each engine it starts the service in a
 * child process on a fresh database, runs the chosen scenarios against it with clients in
 * this process, and prints one table; progress goes to stderr.
 */
import { join } from "node:path";
import { killServerProcesses } from "../harness/server-process.js";
import { removeTempDirs, tempDir } from "../harness/temp-dir.js";
import { Baselines } from "./baselines.js";
import { EngineRun } from "./engine-run.js";
import { openEngine, type Engine } from "./engines.js";
import { prepareDatabase } from "./fixture.js";
import { parseBenchOptions, USAGE, UsageError, type BenchOptions } from "./options.js";
import { engineComparisons } from "./engine-comparison.js";
import { header, memoryTable, populationTable, resultsTable } from "./report.js";
import type { Row } from "./row.js";
import { historyScenarios } from "./scenarios/history.js";
import { managementScenarios } from "./scenarios/management.js";
import { memoryScenario, type MemoryReport } from "./scenarios/memory.js";
import { populationScenario, type PopulationReport } from "./scenarios/population.js";
import { readScenarios } from "./scenarios/reads.js";
import { watchersScenario } from "./scenarios/watchers.js";
import { writeScenarios } from "./scenarios/writes.js";
import { startServiceUnderTest } from "./service-under-test.js";

interface Results {
  readonly rows: Row[];
  readonly memory: MemoryReport[];
  readonly population: PopulationReport[];
}

async function runEngine(options: BenchOptions, engine: Engine, baselines: Baselines, results: Results): Promise<void> {
  const databaseUrl = await engine.newDatabase();
  const adminPatPath = join(tempDir("lps-bench-"), "admin.pat");
  process.stderr.write(`${engine.name} · preparing the database (${options.historyEvents} events for the long history)\n`);
  const fixture = await prepareDatabase(databaseUrl, adminPatPath, options.concurrency, options.historyEvents);
  const service = await startServiceUnderTest(databaseUrl, adminPatPath);
  try {
    const run = new EngineRun(options, engine, fixture, service, baselines);
    await Promise.race([runScenarios(run, databaseUrl, results), service.died]);
  } finally {
    await service.stop();
  }
}

async function runScenarios(run: EngineRun, databaseUrl: string, results: Results): Promise<void> {
  const { scenarios } = run.options;
  if (scenarios.has("reads")) results.rows.push(...(await readScenarios(run)));
  if (scenarios.has("management")) results.rows.push(...(await managementScenarios(run)));
  if (scenarios.has("writes")) results.rows.push(...(await writeScenarios(run)));
  if (scenarios.has("history")) results.rows.push(...(await historyScenarios(run)));
  if (scenarios.has("memory")) {
    const report = await memoryScenario(run);
    results.rows.push(report.row);
    results.memory.push(report);
  }
  if (scenarios.has("watchers")) {
    const report = await watchersScenario(run);
    results.rows.push(report.row);
    results.memory.push(report);
  }
  // Last: it adds a large population to the database the other scenarios use.
  if (scenarios.has("population")) {
    const report = await populationScenario(run, databaseUrl);
    results.rows.push(...report.rows);
    results.population.push(report);
  }
}

async function main(options: BenchOptions): Promise<void> {
  const baselines = new Baselines();
  const results: Results = { rows: [], memory: [], population: [] };
  try {
    for (const name of options.engines) {
      const engine = await openEngine(name, options.postgresBin);
      try {
        await runEngine(options, engine, baselines, results);
      } finally {
        await engine.close();
      }
    }
  } finally {
    await baselines.close();
  }
  const rows = [...results.rows, ...engineComparisons(results.rows)];
  const memory = [...results.memory.map(memoryTable), ...results.population.map(populationTable)];
  process.stdout.write(header(options) + resultsTable(rows) + memory.join(""));
}

let options: BenchOptions | undefined;
try {
  options = parseBenchOptions(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
  process.exit(2);
}
if (!options) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
main(options)
  .catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    killServerProcesses();
    removeTempDirs();
    // Clients keep idle HTTP/2 sessions open; the run is over.
    process.exit();
  });
