/**
 * Group commit: write calls that arrive together are committed as one transaction, so they
 * share one fsync. A call waits in line until the event loop's next check phase; by then
 * every call that arrived in the same turn (and, since a commit holds the event loop, every
 * call that arrived while the last one was committing) has joined it, and they are handed
 * to `commit` together, at most `maxBatch` at once. Each call is answered with its own
 * outcome only when `commit` has returned, that is once the transaction holding it is
 * durable; a `commit` that throws fails every call of its batch.
 */

/** What became of one call of a batch: its value, or the error it alone is answered with. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

interface Waiting<W, T> {
  readonly work: W;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit<W, T> {
  private waiting: Waiting<W, T>[] = [];
  private scheduled = false;

  constructor(
    private readonly maxBatch: number,
    /** Commits a batch in one transaction, answering with an outcome per call, in order. */
    private readonly commit: (batch: readonly W[]) => Outcome<T>[],
  ) {}

  submit(work: W): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve, reject });
      this.schedule();
    });
  }

  /** Commits every call still waiting, now (before the connection closes). */
  drain(): void {
    while (this.waiting.length > 0) this.commitNext();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.commitNext();
      // The rest of a long line waits for the next turn, so reads are served in between.
      if (this.waiting.length > 0) this.schedule();
    });
  }

  private commitNext(): void {
    const batch = this.waiting.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    let outcomes: Outcome<T>[];
    try {
      outcomes = this.commit(batch.map((call) => call.work));
    } catch (error) {
      for (const call of batch) call.reject(error);
      return;
    }
    batch.forEach((call, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) call.resolve(outcome.value);
      else call.reject(outcome.error);
    });
  }
}
