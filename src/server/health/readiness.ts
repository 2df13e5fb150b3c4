/**
 * Whether the server can serve calls now, for every way of asking (gRPC health Check and
 * Watch, the /ready probe). It serves once the database has answered, not while the last
 * check of the database failed, and never again once shutdown has begun.
 */

/** Why the server is not serving. */
export type NotServingReason = "starting" | "database unavailable" | "shutting down";

export type ServingState = { readonly serving: true } | { readonly serving: false; readonly reason: NotServingReason };

const STARTING: ServingState = { serving: false, reason: "starting" };
const SERVING: ServingState = { serving: true };
const DATABASE_UNAVAILABLE: ServingState = { serving: false, reason: "database unavailable" };
const SHUTTING_DOWN: ServingState = { serving: false, reason: "shutting down" };

export class Readiness {
  private state = STARTING;
  private readonly listeners = new Set<() => void>();

  get current(): ServingState {
    return this.state;
  }

  /** Records the outcome of a database check; ignored once shutdown has begun. */
  databaseAnswered(answered: boolean): void {
    if (this.state !== SHUTTING_DOWN) this.change(answered ? SERVING : DATABASE_UNAVAILABLE);
  }

  /** Not serving from now on: the first step of shutdown, before calls are drained. */
  shutDown(): void {
    this.change(SHUTTING_DOWN);
  }

  /**
   * The state now, then every change, until `signal` aborts or shutdown has been yielded
   * (a server that is going away has nothing more to tell).
   */
  async *watch(signal: AbortSignal): AsyncGenerator<ServingState> {
    const pending: ServingState[] = [this.state];
    let wake = () => {};
    const listener = () => {
      pending.push(this.state);
      wake();
    };
    const onAbort = () => wake();
    this.listeners.add(listener);
    signal.addEventListener("abort", onAbort);
    try {
      while (!signal.aborted) {
        const next = pending.shift();
        if (!next) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        yield next;
        if (next === SHUTTING_DOWN) return;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener("abort", onAbort);
    }
  }

  private change(next: ServingState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
