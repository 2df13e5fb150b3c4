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
  const measured = await run.measureInTurns([...noops, run.subject(scenario, protocol, calls)]);
  const [yardstick, ...others] = measured;
  const edge = measured[kinds.indexOf("edge")]!;
  const subject = measured.at(-1)!;
  // The service's row comes twice: against the yardstick, then against its edge's no-op.
  return [{ measured: yardstick! }, ...others.map((m) => ({ measured: m, baseline: yardstick! })), { measured: subject, baseline: edge }];
}
