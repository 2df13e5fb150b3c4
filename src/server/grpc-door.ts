/**
 * Unary gRPC, served straight from the HTTP/2 stream: raw headers in, one length-prefixed
 * message in, one out, the status in trailers (or, for an error, in the response headers
 * alone: "trailers-only"). No request or response objects are made for these streams.
 * Streaming methods (health Watch, reflection) and gRPC's JSON codec are declined, and
 * served by the framework.
 */
import type { ConnectError } from "@connectrpc/connect";
import http2 from "node:http2";
import type { CallContext } from "../call-context/call-context.js";
import { REQUEST_ID_HEADER } from "../call-context/request-id.js";
import type { CallCore, UnaryMethod } from "./call/call-core.js";
import type { Call, CallOutcome } from "./call/call.js";
import type { StreamListener } from "./listener.js";
import { requestContext } from "./request-context.js";
import { authorizationCount } from "./credentials-header.js";
import { isLoopback } from "../net/loopback-address.js";
import { requestTooLarge, unsupportedRequest } from "../interceptors/request-errors.js";
import { COMPRESSED_FLAG, declaredLength, envelope } from "./wire/envelope.js";
import { grpcRequestMessage } from "./wire/grpc-request.js";
import { grpcStatusFields } from "./wire/grpc-status.js";
import { grpcTimeoutMs } from "./wire/grpc-timeout.js";
import { COMPRESS_MIN_BYTES, GZIP, acceptsGzip, gzip } from "./wire/gzip.js";
import { requestHeaders } from "./wire/request-headers.js";
import { binaryOf } from "./wire/message-encoding.js";

export interface GrpcDoorOptions {
  readonly core: CallCore;
  /** Larger request messages are refused with ResourceExhausted. */
  readonly maxRequestBytes: number;
}

const { NGHTTP2_NO_ERROR } = http2.constants;

/** What the server can read, said on every response. */
const ACCEPT_ENCODING = `${GZIP},identity`;

/** "application/grpc" and "application/grpc+proto"; "+json" and gRPC-Web are not this door's. */
export function isGrpcProto(contentType: string | undefined): boolean {
  if (!contentType) return false;
  if (contentType === "application/grpc" || contentType === "application/grpc+proto") return true;
  const type = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return type === "application/grpc" || type === "application/grpc+proto";
}

export function grpcDoor(options: GrpcDoorOptions): StreamListener {
  const { core, maxRequestBytes } = options;

  return (stream, headers, rawHeaders) => {
    const path = headers[":path"] ?? "";
    if (headers[":method"] !== "POST" || !isGrpcProto(headers["content-type"]) || core.streaming.has(path)) return false;
    const method = core.unary.get(path);
    const context = requestContext(headers);
    if (method) serve(stream, headers, rawHeaders, method, context);
    else refuse(stream, context, core.unknown(path, "grpc", context));
    return true;
  };

  function serve(
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    rawHeaders: readonly string[],
    method: UnaryMethod,
    context: CallContext | undefined,
  ): void {
    let problem: unknown;
    let header = new Headers();
    let timeoutMs: number | undefined;
    try {
      header = requestHeaders(headers);
      timeoutMs = grpcTimeoutMs(headers["grpc-timeout"] as string | undefined);
    } catch (error) {
      problem = error;
    }
    const call = core.start(method, {
      protocol: "grpc",
      requestMethod: "POST",
      url: `${headers[":scheme"] ?? "http"}://${headers[":authority"] ?? ""}${method.path}`,
      header,
      timeoutMs,
      peerAddress: stream.session?.socket?.remoteAddress,
      credentialHeaders: authorizationCount(rawHeaders),
      context,
    });
    const encoding = headers["grpc-encoding"] as string | undefined;
    if (!problem && encoding !== undefined && encoding !== "identity" && encoding !== GZIP) {
      problem = unsupportedRequest(`grpc-encoding "${encoding.slice(0, 40)}" is not supported; use gzip or identity`);
    }
    if (problem) return refuse(stream, context, call.fail(problem).error!);

    const chunks: Buffer[] = [];
    let received = 0;
    let checked = false;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (checked || received < 5) return;
      checked = true;
      const length = declaredLength(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))!;
      if (length <= maxRequestBytes) return;
      stream.off("data", onData);
      stream.off("end", onEnd);
      const refused = call.fail(requestTooLarge(`the request message is ${length} bytes; the limit is ${maxRequestBytes}`));
      refuse(stream, context, refused.error!);
    };
    const onEnd = () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      void run(call, body, encoding === GZIP).then((outcome) => answer(stream, headers, call, outcome));
    };
    stream.on("data", onData);
    stream.once("end", onEnd);
    // A stream that closes before it is answered was cancelled by the client (RST_STREAM).
    stream.once("close", () => call.cancel());
  }

  async function run(call: Call, body: Buffer, gzipped: boolean): Promise<CallOutcome> {
    let message;
    try {
      message = await grpcRequestMessage(call.method.input, body, gzipped, maxRequestBytes);
    } catch (error) {
      return call.fail(error);
    }
    return call.run(message);
  }

  async function answer(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, call: Call, outcome: CallOutcome): Promise<void> {
    if (outcome.error) return refuse(stream, call.context, outcome.error, outcome.header, outcome.trailer);
    let data: Uint8Array = binaryOf(call.method.output, outcome.message);
    const compress =
      data.byteLength >= COMPRESS_MIN_BYTES &&
      acceptsGzip(headers["grpc-accept-encoding"] as string | undefined) &&
      !isLoopback(stream.session?.socket?.remoteAddress);
    if (compress) data = await gzip(data);
    if (stream.closed || stream.destroyed) return;
    const head = responseHead(call.context);
    if (compress) head["grpc-encoding"] = GZIP;
    outcome.header?.forEach((value, name) => (head[name] = value));
    stream.respond(head, { waitForTrailers: true });
    stream.once("wantTrailers", () => {
      const trailers: http2.OutgoingHttpHeaders = { "grpc-status": "0" };
      outcome.trailer?.forEach((value, name) => (trailers[name] = value));
      stream.sendTrailers(trailers);
    });
    stream.end(envelope(compress ? COMPRESSED_FLAG : 0, data));
  }
}

/**
 * An error in the response headers alone, ending the stream ("trailers-only"). A client
 * may still be sending its request (one too large, say): after the answer the stream is
 * reset with NO_ERROR, which tells it to stop without calling the answer a failure.
 */
function refuse(stream: http2.ServerHttp2Stream, context: CallContext | undefined, error: ConnectError, header?: Headers, trailer?: Headers): void {
  if (stream.closed || stream.destroyed || stream.headersSent) return;
  const head = responseHead(context);
  header?.forEach((value, name) => (head[name] = value));
  trailer?.forEach((value, name) => (head[name] = value));
  Object.assign(head, grpcStatusFields(error));
  stream.respond(head, { endStream: true });
  if (!stream.readableEnded) stream.close(NGHTTP2_NO_ERROR);
}

/** What every answer's headers start with; the request ID of the call, when it has one. */
function responseHead(context: CallContext | undefined): http2.OutgoingHttpHeaders {
  const head: http2.OutgoingHttpHeaders = { ":status": 200, "content-type": "application/grpc", "grpc-accept-encoding": ACCEPT_ENCODING };
  if (context) head[REQUEST_ID_HEADER] = context.requestId;
  return head;
}
