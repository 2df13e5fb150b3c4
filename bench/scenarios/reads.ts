/**
 * Admin GetLoginPolicy over each protocol, against the no-op servers of that protocol: the
 * token check, the permission check and the policy are one key lookup each.
 */
import type { EngineRun } from "../engine-run.js";
import { againstNoops } from "../noop-comparison.js";
import { adminPolicyRead, READ_PROTOCOLS } from "../policy-reads.js";
import type { Row } from "../row.js";

export async function readScenarios(run: EngineRun): Promise<Row[]> {
  const { service, fixture } = run;
  const rows: Row[] = [];
  for (const protocol of READ_PROTOCOLS) {
    const calls = adminPolicyRead(service, protocol);
    rows.push(...(await againstNoops(run, "Admin", protocol, fixture.defaultPolicyOrgId, "GetLoginPolicy (Admin)", calls)));
  }
  return rows;
}
