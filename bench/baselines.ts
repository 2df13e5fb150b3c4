/**
 * What rows are compared against: no-op servers for reads (connect-node's, the service's
 * own edge, and for gRPC a bare @grpc/grpc-js server; each started on first need with the
 * first service's answers and kept for the run), and for writes the engine's bare commits
 * and the service's edge answering the same writes with nothing behind it.
 */
import type { Engine } from "./engines.js";
import { startNoopServer, type FloorServer, type NoopKind } from "./framework-floor.js";
import type { Calls } from "./load-generator.js";
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
    const floor = await this.floor(kind, service, orgId);
    return {
      labels: { engine: "-", scenario: `${kind} no-op GetLoginPolicy (${read})`, protocol },
      calls: read === "Admin" ? adminPolicyRead(floor, protocol) : orgPolicyRead(floor, orgId),
      callers,
      serverPid: floor.pid,
    };
  }

  /**
   * A write's calls over gRPC, made by `callers` with the service's client code, answered by
   * the service's edge with nothing behind it: the most calls/s any gRPC call gets at that
   * many callers. `service` and `orgId` as for floorRead.
   */
  async edgeWrites(write: string, callers: number, service: Target, orgId: string, calls: (edge: Target) => Promise<Calls> | Calls): Promise<Subject> {
    const edge = await this.floor("edge", service, orgId);
    return {
      labels: { engine: "-", scenario: `edge no-op ${write}`, protocol: "grpc" },
      calls: await calls(edge),
      callers,
      serverPid: edge.pid,
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

  private floor(kind: NoopKind, service: Target, orgId: string): Promise<FloorServer> {
    if (!this.floors.has(kind)) this.floors.set(kind, startNoopServer(kind, service, orgId));
    return this.floors.get(kind)!;
  }

  async close(): Promise<void> {
    for (const floor of this.floors.values()) await (await floor).stop();
  }
}
