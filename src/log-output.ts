/**
 * Where the service's log lines go: stdout, written asynchronously, many lines to a write.
 *
 * Each write hands its bytes to libuv's thread pool, which costs the event loop some tens of
 * microseconds however small the write is (more on a busy machine, where waking the pool's
 * thread can take the loop's core): lines leave in writes of about BUFFERED_BYTES, so that
 * under load one write carries about a hundred lines, and a quiet server's lines still leave
 * within FLUSH_MS.
 *
 * A reader of stdout that stops reading (a stalled log collector, a full pipe) must not grow
 * the process without end: past `maxHeldBytes` waiting to be written, new lines are dropped,
 * and counted, until the reader catches up. Nor may it, or a reader that went away, keep the
 * process from ending: once the process is done (finish()) or exits, a full stdout gets
 * EXIT_WAIT_MS more to take what is held, and one whose reader has gone nothing.
 *
 * The stream is sonic-boom's (the one pino's own destination is made of), built here rather
 * than by pino.destination(), whose stream retries a full pipe every 100 ms for as long as it
 * stays full, which keeps the process alive, and writes what is held at exit in a loop that
 * never ends while the pipe stays full or (in the version pino brings) its reader has gone.
 */
import { pino } from "pino";
import sonicBoom from "sonic-boom";

// A CommonJS module, whose class is also a property of what it exports.
const { SonicBoom } = sonicBoom;

const BUFFERED_BYTES = 32 * 1024;
const MAX_WRITE_BYTES = 64 * 1024;
const FLUSH_MS = 100;

/** How long the exit waits, at most, for a full stdout to take the lines still held. */
export const EXIT_WAIT_MS = 1000;

export const DEFAULT_LOG_HELD_BYTES = 16 * 1024 * 1024;

/** How long start-up waits for its lines to be written before it prints the banner anyway. */
const FLUSHED_WAIT_MS = 1000;

export class StdoutLog {
  readonly destination: pino.DestinationStream;
  private readonly stream: InstanceType<typeof SonicBoom>;
  private droppedLines = 0;
  /** Set once a write found stdout's reader gone (EPIPE): a pipe's reader never comes back. */
  private readerGone = false;
  /** Until when (Date.now()) a full stdout is waited for: as long as it takes, until the exit. */
  private waitFullUntil = Number.POSITIVE_INFINITY;

  constructor(maxHeldBytes = DEFAULT_LOG_HELD_BYTES) {
    // Lines are held as the bytes they are, a list of them to a write ("buffer" content).
    // Held as text, each line would be appended to one string that is measured again, and
    // so copied whole, at every line: a cost that grows with the size of the writes.
    const stream = new SonicBoom({
      fd: 1,
      sync: false,
      contentMode: "buffer",
      minLength: BUFFERED_BYTES,
      maxWrite: MAX_WRITE_BYTES,
      maxLength: maxHeldBytes,
      periodicFlush: FLUSH_MS,
      // A full stdout (EAGAIN) is tried again every 100 ms: while the process runs, for as
      // long as it takes (lines past the limit are dropped meanwhile); at exit, until the wait ends.
      retryEAGAIN: () => Date.now() < this.waitFullUntil,
    });
    stream.on("drop", () => this.droppedLines++);
    // What else a write meets. A reader gone: the stream stops (fd 1 stays open) and every
    // line from now on counts as dropped. Anything else (a full disk under stdout redirected
    // to a file) is tried again with the next write.
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" || this.readerGone) return;
      this.readerGone = true;
      stream.destroy();
    });
    this.stream = stream;
    // sonic-boom's typings know only its text content; in "buffer" content it takes Buffers.
    const writeBytes = stream.write.bind(stream) as unknown as (bytes: Buffer) => boolean;
    this.destination = {
      write: (line: string) => {
        if (this.readerGone) this.droppedLines++;
        else writeBytes(Buffer.from(line));
      },
    };
    process.once("exit", () => this.writeHeldAtExit());
  }

  /**
   * The process is done: a full stdout gets EXIT_WAIT_MS more to take what is held, then the
   * stream gives up on it, and with it the retries that would keep the process alive.
   */
  finish(): void {
    this.waitFullUntil = Math.min(this.waitFullUntil, Date.now() + EXIT_WAIT_MS);
  }

  /** Writes what is held now, as the process exits, for EXIT_WAIT_MS at most; what stdout does not take is lost. */
  private writeHeldAtExit(): void {
    if (this.readerGone) return;
    this.finish();
    try {
      this.stream.flushSync();
    } catch {
      // Still full, or its reader gone: nothing is left to tell, and no one to tell it to.
    }
  }

  /**
   * Resolves once the lines logged so far are written (as many as one write holds), or after
   * FLUSHED_WAIT_MS if stdout does not take them: so that what the process prints next (the
   * start-up banner) comes after them, and never waits on a reader that stalled.
   */
  flushed(): Promise<void> {
    return new Promise((resolve) => {
      const waited = setTimeout(resolve, FLUSHED_WAIT_MS);
      // Its callback carries the fsync's error, which stdout as a pipe or terminal gives.
      this.stream.flush(() => {
        clearTimeout(waited);
        resolve();
      });
    });
  }

  /** Lines dropped so far: stdout held more than the limit unwritten, or its reader had gone. */
  get dropped(): number {
    return this.droppedLines;
  }
}
