/**
 * Admin GetLoginPolicy over each protocol, each against the framework's floor over the same
 * protocol: the token check, the permission check and the policy are one key lookup each.
 */
import type { EngineRun } from "../engine-run.js";
import { adminPolicyRead, READ_PROTOCOLS } from "../policy-reads.js";
import type { Row } from "../row.js";

export async function readScenarios(run: EngineRun): Promise<Row[]> {
  const { baselines, service, fixture, options } = run;
  const rows: Row[] = [];
  for (const protocol of READ_PROTOCOLS) {
    const floor = await baselines.floorRead("Admin", protocol, options.concurrency, service, fixture.defaultPolicyOrgId);
    rows.push(...(await run.measureAgainst(floor, run.subject("GetLoginPolicy (Admin)", protocol, adminPolicyRead(service, protocol)))));
  }
  return rows;
}
