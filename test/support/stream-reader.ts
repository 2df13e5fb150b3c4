/**
 * Reads a server stream as it arrives, so that a test can wait for the next message, or
 * for the stream's end and the error it ended with, without losing what came meanwhile.
 */
import { ConnectError } from "@connectrpc/connect";
import { waitFor } from "./wait-for.js";

export class StreamReader<T> {
  readonly received: T[] = [];
  private taken = 0;
  private ended = false;
  private error: ConnectError | undefined;

  constructor(messages: AsyncIterable<T>) {
    void (async () => {
      try {
        for await (const message of messages) this.received.push(message);
      } catch (error) {
        this.error = ConnectError.from(error);
      } finally {
        this.ended = true;
      }
    })();
  }

  /** The next message not taken yet, once it has come. */
  async next(what = "the next message", limitMs?: number): Promise<T> {
    const message = await waitFor(() => this.received[this.taken] ?? (this.ended && this.failed()), what, limitMs);
    this.taken++;
    return message;
  }

  /** Messages that came and were not taken. */
  get pending(): number {
    return this.received.length - this.taken;
  }

  /** The error the stream ended with, once it has ended (undefined if it ended cleanly). */
  async end(what = "the stream to end"): Promise<ConnectError | undefined> {
    await waitFor(() => this.ended, what);
    return this.error;
  }

  private failed(): never {
    throw new Error(`the stream ended${this.error ? ` with ${this.error.message}` : ""} instead`);
  }
}
