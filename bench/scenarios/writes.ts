/**
 * Second factors added and removed over gRPC against the engine's bare commits by as many
 * writers as commit at once (SQLite: one, its writes take turns; PostgreSQL: all of them):
 * - the instance's policy by one writer: a write's latency with nobody in the way;
 * - the instance's policy by four writers, one factor each, and by as many writers as the
 *   concurrency (16) changing its settings: all need one aggregate's next sequence, so they
 *   take turns under its lock, and it shows in p99; none may be refused (Aborted) for it;
 * - every writer on a policy of its own organization: concurrent writers that never meet,
 *   whose writes SQLite commits in groups, one transaction and one fsync for those that
 *   arrive together, so this row may beat one writer's bare commits.
 */
import type { EngineRun } from "../engine-run.js";
import { factorToggles, SECOND_FACTOR_TYPES, type Toggle } from "../factor-toggles.js";
import { racingPolicyUpdates } from "../policy-updates.js";
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
    const commits = await run.baselines.commits(run.engine, toggles.length);
    const writes = run.subject(`Add/Remove 2nd factor: ${scenario}`, "grpc", await factorToggles(run.service, toggles), toggles.length);
    rows.push(...(await run.measureAgainst(commits, writes)));
  }
  const racers = run.fixture.customPolicyOrgIds.length;
  const commits = await run.baselines.commits(run.engine, racers);
  const updates = run.subject(`UpdateLoginPolicy: instance policy, ${racers} racing writers`, "grpc", racingPolicyUpdates(run.service), racers);
  rows.push(...(await run.measureAgainst(commits, updates)));
  return rows;
}
