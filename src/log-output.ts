/**
 * Where the service's log lines go: stdout, written asynchronously, many lines to a write.
 *
 * Each write hands its bytes to libuv's thread pool, which costs the event loop some tens of
 * microseconds however small the write is (more on a busy machine, where waking the pool's
 * thread can take the loop's core): lines leave in writes of about BUFFERED_BYTES, so that
 * under load one write carries about a hundred lines, and a quiet server's lines still leave
 * within FLUSH_MS. On exit pino writes what is left at once; a process killed outright loses
 * at most its last FLUSH_MS of lines.
 *
 * A reader of stdout that stops reading (a stalled log collector, a full pipe) must not grow
 * the process without end: past `maxHeldBytes` waiting to be written, new lines are dropped,
 * and counted, until the reader catches up.
 */
import { pino } from "pino";

const BUFFERED_BYTES = 32 * 1024;
const MAX_WRITE_BYTES = 64 * 1024;
const FLUSH_MS = 100;

export const DEFAULT_LOG_HELD_BYTES = 16 * 1024 * 1024;

/** How long start-up waits for its lines to be written before it prints the banner anyway. */
const FLUSHED_WAIT_MS = 1000;

export class StdoutLog {
  readonly destination: pino.DestinationStream;
  private readonly stream: ReturnType<typeof pino.destination>;
  private droppedLines = 0;

  constructor(maxHeldBytes = DEFAULT_LOG_HELD_BYTES) {
    // Lines are held as the bytes they are, a list of them to a write ("buffer" content).
    // Held as text, each line would be appended to one string that is measured again, and
    // so copied whole, at every line: a cost that grows with the size of the writes.
    const stream = pino.destination({
      dest: 1,
      sync: false,
      contentMode: "buffer",
      minLength: BUFFERED_BYTES,
      maxWrite: MAX_WRITE_BYTES,
      maxLength: maxHeldBytes,
      periodicFlush: FLUSH_MS,
    });
    stream.on("drop", () => this.droppedLines++);
    this.stream = stream;
    // sonic-boom's typings know only its text content; in "buffer" content it takes Buffers.
    const writeBytes = stream.write.bind(stream) as unknown as (bytes: Buffer) => boolean;
    this.destination = { write: (line: string) => writeBytes(Buffer.from(line)) };
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

  /** Lines dropped so far because stdout held more than the limit unwritten. */
  get dropped(): number {
    return this.droppedLines;
  }
}
