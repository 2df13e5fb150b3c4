/**
 * A plain HTTP/1.1 client of a server-sent event stream, as a browser's EventSource reads
 * one: events (id, event name, data) in order, and how many comment lines came between.
 */
import http from "node:http";
import { waitFor } from "./wait-for.js";

export interface ServerSentEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

export class EventStreamClient {
  readonly events: ServerSentEvent[] = [];
  comments = 0;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  /** The body, when the answer was no event stream. */
  body = "";
  ended = false;
  private taken = 0;
  private readonly request: http.ClientRequest;

  constructor(url: string, headers: Record<string, string>) {
    this.request = http.get(url, { headers }, (res) => {
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (!String(res.headers["content-type"]).startsWith("text/event-stream")) {
          this.body += chunk;
          return;
        }
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          this.take(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      res.on("end", () => (this.ended = true));
      res.on("error", () => (this.ended = true));
    });
    this.request.on("error", () => (this.ended = true));
  }

  private take(block: string): void {
    const fields: Record<string, string> = {};
    let comment = false;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) comment = true;
      const colon = line.indexOf(":");
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, "");
    }
    if (fields.data !== undefined) this.events.push({ id: fields.id, event: fields.event, data: fields.data });
    else if (comment) this.comments++;
  }

  async next(what = "the next event"): Promise<ServerSentEvent> {
    const event = await waitFor(() => this.events[this.taken] ?? (this.ended && fail(what)), what);
    this.taken++;
    return event;
  }

  async answered(): Promise<void> {
    await waitFor(() => this.status !== 0, "the answer's status");
  }

  async end(): Promise<void> {
    await waitFor(() => this.ended, "the event stream to end");
  }

  close(): void {
    this.request.destroy();
  }
}

function fail(what: string): never {
  throw new Error(`the event stream ended before ${what}`);
}
