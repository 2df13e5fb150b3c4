/**
 * Whether the file a SQLite connection has open is still the database at its path. An open
 * connection keeps working on a file that was deleted, or replaced by another at the same
 * path, and keeps committing to it: writes nobody will ever read again. And a file an
 * operator made read-only is a file they want left alone. So before serving, the store asks
 * this cheap question (one stat and one access check, no I/O on the database): is the path
 * still the file that was opened (same device and inode), and may it be written?
 */
import { accessSync, constants, statSync } from "node:fs";
import { performance } from "node:perf_hooks";

/**
 * How long a sound verdict holds for reads of documents, which a call makes several of:
 * they take the verdict of a check this recent instead of two system calls each. Writes,
 * health checks and every other read check afresh, and a fault, once found, is looked at
 * again on every use.
 */
export const RECENT_CHECK_MS = 100;

/** Why the database file cannot be used; undefined when it can. */
export type FileFault = "deleted" | "replaced" | "read-only";

export class SqliteFile {
  private readonly dev: number;
  private readonly ino: number;
  /** When the file was last found sound. */
  private soundAt = -Infinity;

  /** Records the identity of the file at `path`, which the connection has just opened. */
  constructor(private readonly path: string) {
    const opened = statSync(path);
    this.dev = opened.dev;
    this.ino = opened.ino;
  }

  /** As fault(), taking a sound verdict of the last RECENT_CHECK_MS as still true. */
  recentFault(): FileFault | undefined {
    return performance.now() - this.soundAt < RECENT_CHECK_MS ? undefined : this.fault();
  }

  fault(): FileFault | undefined {
    // A fault found here must hold for the reads after it too.
    this.soundAt = -Infinity;
    const now = statSync(this.path, { throwIfNoEntry: false });
    if (!now) return "deleted";
    if (now.dev !== this.dev || now.ino !== this.ino) return "replaced";
    // No write bit for anyone: read-only by intent, even for root, whom access() lets write.
    if ((now.mode & 0o222) === 0) return "read-only";
    try {
      accessSync(this.path, constants.W_OK);
    } catch {
      return "read-only"; // not ours to write, or a read-only file system
    }
    this.soundAt = performance.now();
    return undefined;
  }
}
