/**
 * The run's printout: its settings, one table of every measurement with its ratios to its
 * baseline, the first error of any row that had errors, and the server's memory over the
 * sustained load.
 */
import { cpus } from "node:os";
import { percentile, type LoadResult } from "./load-generator.js";
import type { BenchOptions } from "./options.js";
import type { Row } from "./row.js";
import type { MemoryReport } from "./scenarios/memory.js";
import type { PopulationReport } from "./scenarios/population.js";
import { textTable } from "./text-table.js";

const TITLES = ["engine", "scenario", "protocol", "callers", "calls/s", "p50 ms", "p99 ms", "errors", "server CPU",
  "server µs/call", "client µs/call", "× calls/s", "× server µs"];

const LEGEND = `calls/s counts calls answered OK; any other answer is an error. server CPU is the server
process's CPU time over the measured time (100% = one core); µs/call is CPU time per OK call,
the server's and this process's (the clients'). × calls/s and × server µs compare a row with
its baseline. Reads: each protocol's first no-op row (a bare @grpc/grpc-js server for gRPC,
connect-node's adapter otherwise) for every row after it; a line "against edge no-op ..."
then compares the service's row with the service's edge with nothing behind it. Writes:
bare commits for the edge no-op answering the same write at as many callers (the most a
gRPC call gets) and for the write; its "against edge no-op ..." line compares the write with
that ceiling. The long history: the short one. On a machine whose cores are all busy, the
server's µs/call is the steadier measure of its cost.`;

export function header(options: BenchOptions): string {
  const cpu = cpus();
  return (
    `Login Policy Service benchmark, ${new Date().toISOString()}: node ${process.version}, ` +
    `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}\n` +
    `${options.durationMs / 1000} s per scenario after ${options.warmupMs / 1000} s of warm-up, ` +
    `${options.concurrency} callers unless the row says otherwise; server in a child process, ` +
    `logging every call (info)\n\n`
  );
}

export function resultsTable(rows: readonly Row[]): string {
  const errors = [...new Set(rows.map((row) => row.measured))]
    .filter((m) => m.result.errors > 0)
    .map((m) => `errors in ${m.engine} ${m.scenario} (${m.protocol}): first was "${m.result.firstError}"\n`);
  // A measurement compared with a second baseline comes again on the next line: only the
  // ratios there, so that it cannot be read as a second measurement.
  const lines = rows.map((row, i) => (i > 0 && row.measured === rows[i - 1]!.measured ? ratiosOnly(row) : cells(row)));
  return `${textTable(TITLES, 3, lines)}\n${LEGEND}\n${errors.length > 0 ? `\n${errors.join("")}` : ""}`;
}

function ratiosOnly(row: Row): string[] {
  const ratios = cells(row).slice(-2);
  return ["", `  against ${row.baseline?.scenario ?? "-"}`, ...TITLES.slice(2, -2).map(() => ""), ...ratios];
}

function cells({ measured, baseline }: Row): string[] {
  const { result } = measured;
  const rate = callsPerSecond(result);
  const serverCost = serverMicrosPerCall(result);
  const baselineCost = baseline && serverMicrosPerCall(baseline.result);
  return [
    measured.engine,
    measured.scenario,
    measured.protocol,
    String(measured.callers),
    Math.round(rate).toLocaleString("en"),
    percentile(result.latenciesMs, 0.5).toFixed(2),
    percentile(result.latenciesMs, 0.99).toFixed(2),
    String(result.errors),
    result.serverCpuMs === undefined ? "-" : `${Math.round((result.serverCpuMs / (result.seconds * 1000)) * 100)}%`,
    serverCost === undefined ? "-" : Math.round(serverCost).toLocaleString("en"),
    Math.round((result.clientCpuMs * 1000) / result.ok).toLocaleString("en"),
    baseline ? ratio(rate, callsPerSecond(baseline.result)) : "",
    serverCost !== undefined && baselineCost !== undefined ? ratio(serverCost, baselineCost) : "",
  ];
}

function callsPerSecond(result: LoadResult): number {
  return result.ok / result.seconds;
}

function serverMicrosPerCall(result: LoadResult): number | undefined {
  return result.serverCpuMs === undefined ? undefined : (result.serverCpuMs * 1000) / result.ok;
}

function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}×`;
}

const MB = 1024 * 1024;

export function memoryTable(report: MemoryReport): string {
  const first = report.samples[0]!;
  const last = report.samples.at(-1)!;
  const change = (bytes: number) => `${bytes >= 0 ? "+" : ""}${(bytes / MB).toFixed(1)}`;
  const rows = report.samples.map((sample, i) => [
    i === 0 ? "before" : i === report.samples.length - 1 ? "after" : `${sample.atSeconds.toFixed(1)} s`,
    (sample.residentBytes / MB).toFixed(1),
    (sample.heapUsedBytes / MB).toFixed(1),
  ]);
  const underLoad = report.samples.slice(1, -1);
  const [early, late] = [underLoad[0]!, underLoad.at(-1)!];
  rows.push(
    ["before → after", change(last.residentBytes - first.residentBytes), change(last.heapUsedBytes - first.heapUsedBytes)],
    ["first → last under load", change(late.residentBytes - early.residentBytes), change(late.heapUsedBytes - early.heapUsedBytes)],
  );
  return (
    `\nServer memory (${report.engine}), each after a full garbage collection, over ` +
    `${report.load}:\n${textTable(["", "RSS MB", "heap used MB"], 1, rows)}`
  );
}

export function populationTable(report: PopulationReport): string {
  const rows = [
    ["before", (report.before.rss / MB).toFixed(1), (report.before.heapUsed / MB).toFixed(1)],
    ["after", (report.after.rss / MB).toFixed(1), (report.after.heapUsed / MB).toFixed(1)],
    ["change", ((report.after.rss - report.before.rss) / MB).toFixed(1), ((report.after.heapUsed - report.before.heapUsed) / MB).toFixed(1)],
  ];
  return (
    `\nServer memory (${report.engine}), each after a full garbage collection, before and after ` +
    `${report.population.toLocaleString("en")} organizations, users and tokens were added and each user read once, ` +
    `with at most ${report.cachedDocuments.toLocaleString("en")} documents in memory:\n${textTable(["", "RSS MB", "heap used MB"], 1, rows)}`
  );
}
