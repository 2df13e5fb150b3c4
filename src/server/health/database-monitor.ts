/**
 * Keeps readiness in step with the database: asks it to answer (the store's ping) once at
 * start and then every interval, and reports each outcome. A ping that has not answered
 * within the interval counts as failed, so a database that hangs is as unavailable as one
 * that refuses; the next successful ping makes the server ready again by itself.
 */
import type { EventStore } from "../../eventstore/store.js";
import type { Logger } from "../../logger.js";
import type { Readiness } from "./readiness.js";

export class DatabaseMonitor {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<boolean> | undefined;
  /** The last check's outcome, to log only the changes. */
  private answered: boolean | undefined;

  constructor(
    private readonly database: Pick<EventStore, "ping">,
    private readonly readiness: Readiness,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Checks now, and then every interval until stopped. */
  async start(): Promise<void> {
    await this.check();
    this.timer ??= setInterval(() => void this.check(), this.intervalMs);
    // Shutdown stops it; it must not be what keeps the process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Asks the database now and reports the outcome; callers at the same moment share one ping. */
  check(): Promise<boolean> {
    this.inFlight ??= this.ping().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async ping(): Promise<boolean> {
    const failure = await this.failureOfPing();
    const answered = failure === undefined;
    if (answered && this.answered === false) this.logger.info("database answers again");
    if (!answered && this.answered !== false) this.logger.warn({ err: failure }, "database does not answer; not serving until it does");
    this.answered = answered;
    this.readiness.databaseAnswered(answered);
    return answered;
  }

  /** Why the database did not answer in time, or undefined when it did. */
  private async failureOfPing(): Promise<unknown> {
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => reject(new Error(`no answer within ${this.intervalMs} ms`)), this.intervalMs);
    });
    try {
      await Promise.race([this.database.ping(), deadline]);
      return undefined;
    } catch (error) {
      return error ?? new Error("the ping failed without a reason");
    } finally {
      clearTimeout(timeout);
    }
  }
}
