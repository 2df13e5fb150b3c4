/**
 * One watcher's view of the store's commits: a flag, not a queue. However many commits
 * happen while the watcher is busy (sending, or waiting for a slow client to read), it
 * wakes once and reads the latest state, so its memory never grows with the rate of change.
 */
import type { EventStore } from "../eventstore/store.js";

export class CommitSignal {
  private pending = false;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: () => void;

  constructor(store: EventStore) {
    this.unsubscribe = store.onCommit(() => {
      this.pending = true;
      this.wake?.();
    });
  }

  /**
   * Resolves "commit" at the first commit since the last call (at once if one came
   * meanwhile), "tick" after `ms` without one, "ended" when `signal` aborts.
   */
  next(ms: number, signal: AbortSignal): Promise<"commit" | "tick" | "ended"> {
    if (signal.aborted) return Promise.resolve("ended");
    if (this.pending) {
      this.pending = false;
      return Promise.resolve("commit");
    }
    return new Promise((resolve) => {
      const settle = (outcome: "commit" | "tick" | "ended") => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.wake = undefined;
        if (outcome === "commit") this.pending = false;
        resolve(outcome);
      };
      const onAbort = () => settle("ended");
      const timer = setTimeout(() => settle("tick"), ms);
      signal.addEventListener("abort", onAbort);
      this.wake = () => settle("commit");
    });
  }

  close(): void {
    this.unsubscribe();
    this.wake = undefined;
  }
}
