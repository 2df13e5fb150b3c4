/**
 * One engine's part of a run: the service on a fresh database of that engine, the data the
 * scenarios work on, and the baselines they compare against.
 */
import type { Baselines } from "./baselines.js";
import type { Engine } from "./engines.js";
import type { Fixture } from "./fixture.js";
import type { Calls } from "./load-generator.js";
import { measureAgainst, measureAgainstEach, measureInTurns, type Measured, type Subject } from "./measurement.js";
import type { BenchOptions } from "./options.js";
import type { Row } from "./row.js";
import type { ServiceUnderTest } from "./service-under-test.js";

export class EngineRun {
  constructor(
    readonly options: BenchOptions,
    readonly engine: Engine,
    readonly fixture: Fixture,
    readonly service: ServiceUnderTest,
    readonly baselines: Baselines,
  ) {}

  /** Calls to the service, by the run's number of callers unless given. */
  subject(scenario: string, protocol: string, calls: Calls, callers = this.options.concurrency): Subject {
    return { labels: { engine: this.engine.name, scenario, protocol }, calls, callers, serverPid: this.service.pid };
  }

  measureAgainst(baseline: Subject, subject: Subject): Promise<Row[]> {
    return measureAgainst(this.options, baseline, subject);
  }

  measureAgainstEach(baselines: readonly Subject[], subject: Subject): Promise<Row[]> {
    return measureAgainstEach(this.options, baselines, subject);
  }

  measureInTurns(subjects: readonly Subject[]): Promise<Measured[]> {
    return measureInTurns(this.options, subjects);
  }
}
