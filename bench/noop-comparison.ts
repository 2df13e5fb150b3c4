/**
 * A read against the no-op servers of its protocol, all measured in turns: the first no-op
 * is the yardstick every other row is compared with (a bare @grpc/grpc-js server for gRPC,
 * connect-node's adapter otherwise), and the service's row comes once more, compared with
 * its own edge's no-op: what its work behind the edge costs.
 */
import type { PolicyRead } from "./baselines.js";
import type { EngineRun } from "./engine-run.js";
import type { NoopKind } from "./framework-floor.js";
import type { Calls } from "./load-generator.js";
import type { ReadProtocol } from "./policy-reads.js";
import type { Row } from "./row.js";

export async function againstNoops(run: EngineRun, read: PolicyRead, protocol: ReadProtocol, orgId: string, scenario: string, calls: Calls): Promise<Row[]> {
  const { baselines, service, options } = run;
  const kinds: NoopKind[] = protocol === "grpc" ? ["grpc-js", "connect-node", "edge"] : ["connect-node", "edge"];
  const noops = [];
  for (const kind of kinds) noops.push(await baselines.floorRead(kind, read, protocol, options.concurrency, service, orgId));
  // The edge's no-op comes last: the service's row comes again against it.
  return run.measureAgainstEach(noops, run.subject(scenario, protocol, calls));
}
