/**
 * Management GetLoginPolicy over gRPC for the organization named by x-zitadel-orgid, each
 * against the no-op servers (see noop-comparison.ts): an organization without a policy of its own (its lookup
 * finds nothing, a second reads the default), and one with a custom policy (one lookup).
 * Authorization also looks the organization up.
 */
import type { EngineRun } from "../engine-run.js";
import { againstNoops } from "../noop-comparison.js";
import { orgPolicyRead } from "../policy-reads.js";
import type { Row } from "../row.js";

export async function managementScenarios(run: EngineRun): Promise<Row[]> {
  const { service, fixture } = run;
  const organizations: [string, string][] = [
    ["default policy", fixture.defaultPolicyOrgId],
    ["custom policy", fixture.customPolicyOrgIds[0]!],
  ];
  const rows: Row[] = [];
  for (const [policy, orgId] of organizations) {
    const calls = orgPolicyRead(service, orgId);
    rows.push(...(await againstNoops(run, "Management", "grpc", fixture.defaultPolicyOrgId, `GetLoginPolicy (Mgmt), ${policy}`, calls)));
  }
  return rows;
}
