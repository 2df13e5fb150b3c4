/**
 * Tells whoever listens that something was committed, by this process or by another one
 * sharing the database. A signal says only "look again": listeners re-read what they care
 * about, so a signal too many costs a read, and none is ever needed to be exact. The engine
 * watches for other processes' commits only while someone listens (a poll, a LISTEN
 * connection), and stops when the last listener leaves.
 */

export type CommitListener = () => void;

/** How an engine learns of other processes' commits, while there are listeners. */
export interface CommitWatch {
  start(): void;
  stop(): void;
}

export class CommitFeed {
  private readonly listeners = new Set<CommitListener>();

  constructor(private readonly watch: CommitWatch) {}

  /** Calls `listener` after commits from now on; the returned function stops that. */
  subscribe(listener: CommitListener): () => void {
    // A function of its own per subscription, so that one listener given twice is two.
    const entry = () => listener();
    this.listeners.add(entry);
    if (this.listeners.size === 1) this.watch.start();
    return () => {
      if (!this.listeners.delete(entry)) return;
      if (this.listeners.size === 0) this.watch.stop();
    };
  }

  /** Something was (or may have been) committed. */
  notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** The store is closing: nobody hears of commits any more. */
  close(): void {
    if (this.listeners.size > 0) this.watch.stop();
    this.listeners.clear();
  }
}
