/**
 * What rows are compared against: the framework's floor for reads (the no-op server,
 * started on first need with the first service's answers and kept for the run), and the
 * engine's bare commits for writes.
 */
import type { Engine } from "./engines.js";
import { startFrameworkFloor, type FloorServer } from "./framework-floor.js";
import type { Subject } from "./measurement.js";
import { adminPolicyRead, orgPolicyRead, type ReadProtocol, type Target } from "./policy-reads.js";

export type PolicyRead = "Admin" | "Management";

export class Baselines {
  private floor?: Promise<FloorServer>;

  /**
   * GetLoginPolicy from the no-op server, by `callers`. The first time, `service` and
   * `orgId` give the answers it repeats (Management's for that organization).
   */
  async floorRead(read: PolicyRead, protocol: ReadProtocol, callers: number, service: Target, orgId: string): Promise<Subject> {
    this.floor ??= startFrameworkFloor(service, orgId);
    const floor = await this.floor;
    return {
      labels: { engine: "-", scenario: `no-op GetLoginPolicy (${read})`, protocol },
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
    await (await this.floor)?.stop();
  }
}
