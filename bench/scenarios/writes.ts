/**
 * Second factors added and removed over gRPC against two baselines: the engine's bare commits
 * (in a child process, as the service is) by as many writers as commit at once (SQLite: one,
 * its writes take turns; PostgreSQL: all of them), and the same calls by as many callers
 * answered by the service's edge with nothing behind it (edge-noop-server.ts), the ceiling
 * of any gRPC call, so that a write's distance from its commits splits into the round trip
 * and the service's work:
 * - the instance's policy by one writer: a write's latency with nobody in the way;
 * - the instance's policy by four writers, one factor each, and by as many writers as the
 *   concurrency (16) changing its settings: all need one aggregate's next sequence, so they
 *   take turns under its lock, and it shows in p99; none may be refused (Aborted) for it,
 *   which a run of a fixed number of calls counts;
 * - every writer on a policy of its own organization: concurrent writers that never meet,
 *   whose writes SQLite commits in groups, one transaction and one fsync for those that
 *   arrive together, so this row may beat one writer's bare commits;
 * - reads while those writers write, against reads alone: what writes cost readers.
 */
import { countedRace } from "../counted-race.js";
import type { EngineRun } from "../engine-run.js";
import { factorToggles, SECOND_FACTOR_TYPES, type Toggle } from "../factor-toggles.js";
import { runLoad, type Calls } from "../load-generator.js";
import type { Subject } from "../measurement.js";
import { adminPolicyRead, type Target } from "../policy-reads.js";
import { POLICY_UPDATE, racingPolicyUpdates } from "../policy-updates.js";
import type { Row } from "../row.js";

const INSTANCE = { service: "admin" } as const;

export async function writeScenarios(run: EngineRun): Promise<Row[]> {
  const orgs: Toggle[] = run.fixture.customPolicyOrgIds.map((orgId) => ({
    policy: { service: "management", orgId },
    factor: "SECOND_FACTOR_TYPE_OTP_SMS",
  }));
  const plans: [string, Toggle[]][] = [
    ["instance policy, 1 writer", [{ policy: INSTANCE, factor: "SECOND_FACTOR_TYPE_OTP_SMS" }]],
    ["instance policy, 4 racing writers", SECOND_FACTOR_TYPES.map((factor) => ({ policy: INSTANCE, factor }))],
    [`org policies, ${orgs.length} writers`, orgs],
  ];
  const rows: Row[] = [];
  for (const [scenario, toggles] of plans) {
    const write = `Add/Remove 2nd factor (${toggles[0]!.policy.service === "admin" ? "Admin" : "Mgmt"})`;
    const writes = run.subject(`Add/Remove 2nd factor: ${scenario}`, "grpc", await factorToggles(run.service, toggles), toggles.length);
    rows.push(...(await againstCommitsAndEdge(run, write, (edge) => factorToggles(edge, toggles), writes)));
  }
  const racers = run.fixture.customPolicyOrgIds.length;
  const updates = run.subject(`UpdateLoginPolicy: instance policy, ${racers} racing writers`, "grpc", racingPolicyUpdates(run.service), racers);
  rows.push(...(await againstCommitsAndEdge(run, POLICY_UPDATE, racingPolicyUpdates, updates)));
  rows.push(await raceCount(run, racers));
  rows.push(...(await readsDuringWrites(run, orgs)));
  return rows;
}

/**
 * Writes against the engine's bare commits, by as many writers as it commits for at once,
 * and against the same calls answered by the service's edge with nothing behind it: the
 * yardstick's row, the edge's and the writes' compared with it, then the writes again
 * compared with the edge's, the most calls/s a gRPC call gets at as many callers.
 */
async function againstCommitsAndEdge(run: EngineRun, write: string, edgeCalls: (edge: Target) => Promise<Calls> | Calls, writes: Subject): Promise<Row[]> {
  const { baselines, engine, service, fixture } = run;
  const commits = await baselines.commits(engine, writes.callers);
  const edge = await baselines.edgeWrites(write, writes.callers, service, fixture.defaultPolicyOrgId, edgeCalls);
  return run.measureAgainstEach([commits, edge], writes);
}

/** The racing writers for a fixed number of calls, with the Aborted answers counted in the row's name. */
async function raceCount(run: EngineRun, racers: number): Promise<Row> {
  const calls = run.options.raceCalls;
  process.stderr.write(`${run.engine.name} · ${racers} writers racing on one policy for ${calls} calls: `);
  const { result, aborted } = await countedRace(run.service, racers, calls);
  process.stderr.write(`${Math.round(result.ok / result.seconds)}/s, ${aborted} Aborted\n`);
  const scenario = `UpdateLoginPolicy: ${racers} racing writers, ${calls.toLocaleString("en")} calls, ${aborted} Aborted`;
  return { measured: { engine: run.engine.name, scenario, protocol: "grpc", callers: racers, result } };
}

/**
 * Admin GetLoginPolicy alone, then while every organization's writer writes (their load
 * running through the whole measurement), the second compared with the first.
 */
async function readsDuringWrites(run: EngineRun, orgs: readonly Toggle[]): Promise<Row[]> {
  const [alone] = await run.measureInTurns([run.subject("GetLoginPolicy (Admin), no writes", "grpc", adminPolicyRead(run.service, "grpc"))]);
  const writes = await factorToggles(run.service, orgs);
  const { warmupMs, durationMs, rounds } = run.options;
  // Long enough to outlast the reads' warm-up, their rounds and the re-warming between them.
  const writing = runLoad(writes.call, { concurrency: orgs.length, warmupMs: 0, durationMs: 2 * (warmupMs + durationMs) + rounds * 500 });
  try {
    const scenario = `GetLoginPolicy (Admin) during ${orgs.length} org writers`;
    const [during] = await run.measureInTurns([run.subject(scenario, "grpc", adminPolicyRead(run.service, "grpc"))]);
    return [{ measured: alone! }, { measured: during!, baseline: alone! }];
  } finally {
    const written = await writing;
    writes.close();
    process.stderr.write(`${run.engine.name} · writes under the reads: ${Math.round(written.ok / written.seconds)}/s, ${written.errors} errors\n`);
  }
}
