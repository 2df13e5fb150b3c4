/**
 * Management GetLoginPolicy over gRPC for the organization named by x-zitadel-orgid, each
 * against the framework's floor: an organization without a policy of its own (its lookup
 * finds nothing, a second reads the default), and one with a custom policy (one lookup).
 * Authorization also looks the organization up.
 */
import type { EngineRun } from "../engine-run.js";
import { orgPolicyRead } from "../policy-reads.js";
import type { Row } from "../row.js";

export async function managementScenarios(run: EngineRun): Promise<Row[]> {
  const { baselines, service, fixture, options } = run;
  const organizations: [string, string][] = [
    ["default policy", fixture.defaultPolicyOrgId],
    ["custom policy", fixture.customPolicyOrgIds[0]!],
  ];
  const rows: Row[] = [];
  for (const [policy, orgId] of organizations) {
    const floor = await baselines.floorRead("Management", "grpc", options.concurrency, service, fixture.defaultPolicyOrgId);
    rows.push(...(await run.measureAgainst(floor, run.subject(`GetLoginPolicy (Mgmt), ${policy}`, "grpc", orgPolicyRead(service, orgId)))));
  }
  return rows;
}
