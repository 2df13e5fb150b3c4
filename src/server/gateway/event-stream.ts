/**
 * REST's door to a server-streaming RPC: server-sent events (the WHATWG HTML standard's
 * text/event-stream), which browsers read with EventSource and which pass through proxies
 * as a plain response. Each message is one event, its data the message's proto3 JSON on
 * one line and its id the message's `version` field, if it has one; a client that comes
 * back sends the last id as Last-Event-ID, which becomes the request's `last_version`. A
 * comment line every keepalive interval shows proxies the response is alive. Writes wait
 * for a slow reader (the stream sends the latest state when it can, never a backlog). A refusal
 * before the first byte is an ordinary REST error; a failure later ends the stream with an
 * `error` event whose data is the google.rpc.Status body a REST error would carry.
 */
import { toJsonString, type DescField, type Message } from "@bufbuild/protobuf";
import { Code, type ConnectError } from "@connectrpc/connect";
import type { Writable } from "node:stream";
import type { Logger } from "../../logger.js";
import type { CallCore, StreamMethod } from "../call/call-core.js";
import type { NodeRequest, NodeResponse } from "../http-door.js";
import { invalidArgument } from "../../errors.js";
import type { StatusMapper } from "../../interceptors/status-mapping.js";
import { restCallInput } from "./rest-call-input.js";
import { restError } from "./rest-error.js";
import { sendRestResponse } from "./rest-response.js";
import { callContextOf } from "../../call-context/call-context.js";

export const EVENT_STREAM = "text/event-stream";

export interface EventStreamOptions {
  readonly core: CallCore;
  readonly toStatus: StatusMapper;
  readonly logger: Logger;
  /** How often a comment line is sent while no event is. */
  readonly keepaliveMs: number;
}

/** Keepalive intervals a client may leave the stream unread before it is let go. */
const STALLED_KEEPALIVES = 3;

/** A Last-Event-ID longer than this is no version of ours. */
const MAX_LAST_EVENT_ID = 256;

export function acceptsEventStream(req: NodeRequest): boolean {
  return (req.headers.accept ?? "").split(",").some((range) => range.split(";")[0]!.trim().toLowerCase() === EVENT_STREAM);
}

/** Serves one event stream; `request` makes the request message (it may throw a refusal). */
export async function serveEventStream(
  options: EventStreamOptions,
  stream: StreamMethod,
  request: (lastEventId: string | undefined) => Message,
  req: NodeRequest,
  res: NodeResponse,
): Promise<void> {
  const context = callContextOf(req);
  const ended = options.core.streamingCall(stream.path, "rest", context);
  const clientGone = new AbortController();
  res.once("close", () => clientGone.abort());
  req.resume();
  let response;
  try {
    if (!acceptsEventStream(req)) {
      throw invalidArgument("REST-Ev3nt", "Errors.Request.EventStreamOnly", `this route answers server-sent events only; send Accept: ${EVENT_STREAM}`);
    }
    const message = request(lastEventId(req));
    response = await stream.open(message, { ...restCallInput(req), signal: clientGone.signal });
  } catch (error) {
    const status = options.toStatus(error, context);
    ended(Code[status.code]);
    sendRestResponse(req, res, restError(status, { authorization: req.headers.authorization }));
    return;
  }
  const headers: Record<string, string> = {};
  response.header.forEach((value, name) => (headers[name] = value));
  res.writeHead(200, {
    ...headers,
    "content-type": `${EVENT_STREAM}; charset=utf-8`,
    "cache-control": "no-store",
    // Proxies that buffer responses (nginx) would hold the events back.
    "x-accel-buffering": "no",
  });
  // A comment line while the client reads; a client that has read nothing for
  // STALLED_KEEPALIVES intervals is gone, or holds the stream without reading: let go.
  let stalled = 0;
  const keepalive = setInterval(() => {
    if (!(res as Writable).writableNeedDrain) {
      stalled = 0;
      (res as Writable).write(":\n\n");
    } else if (++stalled >= STALLED_KEEPALIVES) res.destroy();
  }, options.keepaliveMs);
  const versionField = stream.method.output.fields.find((field) => field.name === "version");
  let code = "OK";
  try {
    for await (const message of response.message) {
      await send(res, eventOf(stream, message, versionField));
      if (clientGone.signal.aborted) break;
    }
  } catch (error) {
    const status = options.toStatus(error, context);
    code = Code[status.code];
    if (!clientGone.signal.aborted) await send(res, errorEvent(status));
  } finally {
    clearInterval(keepalive);
  }
  ended(clientGone.signal.aborted ? "Canceled" : code);
  if (!res.writableEnded) res.end();
}

function lastEventId(req: NodeRequest): string | undefined {
  const value = req.headers["last-event-id"];
  if (typeof value !== "string" || value === "") return undefined;
  if (value.length > MAX_LAST_EVENT_ID) {
    throw invalidArgument("REST-L4stI", "Errors.Request.LastEventIdInvalid", `Last-Event-ID is longer than ${MAX_LAST_EVENT_ID} characters`);
  }
  return value;
}

function eventOf(stream: StreamMethod, message: Message, versionField: DescField | undefined): string {
  const data = toJsonString(stream.method.output, message);
  const id = versionField ? (message as unknown as Record<string, unknown>)[versionField.localName] : undefined;
  return `${typeof id === "string" && id !== "" ? `id: ${id}\n` : ""}data: ${data}\n\n`;
}

function errorEvent(status: ConnectError): string {
  // The body is JSON on one line, as an event's data line must be.
  const { body } = restError(status);
  return `event: error\ndata: ${typeof body === "string" ? body : Buffer.from(body).toString("utf8")}\n\n`;
}

/** Writes, and waits while the client is slower than the stream (or until it is gone). */
function send(res: NodeResponse, text: string): Promise<void> {
  if (res.writableEnded || res.destroyed) return Promise.resolve();
  if ((res as Writable).write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}
