/**
 * What rows are compared against: no-op servers for reads (connect-node's, the service's
 * own edge, and for gRPC a bare @grpc/grpc-js server; each started on first need with the
 * first service's answers and kept for the run), and the engine's bare commits for writes.
 */
import type { Engine } from "./engines.js";
import { startNoopServer, type FloorServer, type NoopKind } from "./framework-floor.js";
import type { Subject } from "./measurement.js";
import { adminPolicyRead, orgPolicyRead, type ReadProtocol, type Target } from "./policy-reads.js";

export type PolicyRead = "Admin" | "Management";

export class Baselines {
  private readonly floors = new Map<NoopKind, Promise<FloorServer>>();

  /**
   * GetLoginPolicy from a no-op server, by `callers`. The first time, `service` and `orgId`
   * give the answers it repeats (Management's for that organization).
   */
  async floorRead(kind: NoopKind, read: PolicyRead, protocol: ReadProtocol, callers: number, service: Target, orgId: string): Promise<Subject> {
    if (!this.floors.has(kind)) this.floors.set(kind, startNoopServer(kind, service, orgId));
    const floor = await this.floors.get(kind)!;
    return {
      labels: { engine: "-", scenario: `${kind} no-op GetLoginPolicy (${read})`, protocol },
      calls: read === "Admin" ? adminPolicyRead(floor, protocol) : orgPolicyRead(floor, orgId),
      callers,
      serverPid: floor.pid,
    };
  }

  /** Bare commits, by as many of `writers` as the engine commits for at once. */
  async commits(engine: Engine, writers: number): Promise<Subject> {
    const callers = engine.concurrentCommits ? writers : 1;
    return {
      labels: { engine: engine.name, scenario: `bare commits, ${callers} writer${callers === 1 ? "" : "s"}`, protocol: engine.driver },
      calls: await engine.commits(callers),
      callers,
    };
  }

  async close(): Promise<void> {
    for (const floor of this.floors.values()) await (await floor).stop();
  }
}
