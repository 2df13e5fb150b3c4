/**
 * Connect's unary protocol, over HTTP/1.1 and HTTP/2: the request message is the body
 * (application/json or application/proto; or, for methods without side effects, GET with
 * the message in the query), the response message is the body, and an error is a JSON
 * body with an HTTP status. Compression is content-encoding / accept-encoding (gzip),
 * the deadline connect-timeout-ms.
 */
import type { DescMessage, Message } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel as Idempotency } from "@bufbuild/protobuf/wkt";
import type { CallCore, UnaryMethod } from "./call/call-core.js";
import type { CallOutcome } from "./call/call.js";
import type { NodeRequest, NodeResponse } from "./http-door.js";
import { authorizationCount } from "./credentials-header.js";
import { isLoopback } from "../net/loopback-address.js";
import { parseConnectTimeout } from "./request-deadline.js";
import { malformedRequest, unsupportedRequest } from "../interceptors/request-errors.js";
import { connectErrorBody, connectHttpStatus } from "./wire/connect-error.js";
import { binaryMessage, jsonMessage } from "./wire/grpc-request.js";
import { COMPRESS_MIN_BYTES, GZIP, acceptsGzip, gunzipRequest, gzip } from "./wire/gzip.js";
import { readRequestBody } from "./wire/request-body.js";
import { requestHeaders } from "./wire/request-headers.js";
import { writeWhole } from "./wire/whole-response.js";
import { binaryOf, jsonOf } from "./wire/message-encoding.js";
import { callContextOf } from "../call-context/call-context.js";

type Codec = "json" | "proto";

const CONTENT_TYPE: Record<Codec, string> = { json: "application/json", proto: "application/proto" };

/** The codec of a Connect unary request, by its content type; undefined when it is not one. */
export function connectCodec(contentType: string | undefined): Codec | undefined {
  if (!contentType) return undefined;
  const [type, ...params] = contentType.split(";");
  switch (type!.trim().toLowerCase()) {
    case "application/json":
      // JSON is UTF-8; a body that says otherwise is not ours to read.
      return params.every((param) => /^\s*charset\s*=\s*"?utf-8"?\s*$/i.test(param)) ? "json" : undefined;
    case "application/proto":
      return params.length === 0 ? "proto" : undefined;
    default:
      return undefined;
  }
}

/** Whether a method may be called with GET: it says it has no side effects. */
export function allowsGet(method: UnaryMethod): boolean {
  return method.method.idempotency === Idempotency.NO_SIDE_EFFECTS;
}

export interface ConnectDoorOptions {
  readonly core: CallCore;
  readonly maxRequestBytes: number;
}

export function connectDoor(options: ConnectDoorOptions) {
  const { core, maxRequestBytes } = options;

  return async function serve(req: NodeRequest, res: NodeResponse, method: UnaryMethod, query: URLSearchParams | undefined): Promise<void> {
    const get = req.method === "GET";
    let codec: Codec = (get ? query?.get("encoding") : connectCodec(req.headers["content-type"])) === "proto" ? "proto" : "json";
    let problem: unknown;
    let header = new Headers();
    let timeoutMs: number | undefined;
    try {
      header = requestHeaders(req.headers);
      timeoutMs = connectTimeoutMs(header.get("connect-timeout-ms"));
      const version = get ? query?.get("connect") : header.get("connect-protocol-version");
      if (version != null && version !== (get ? "v1" : "1")) throw malformedRequest(`connect protocol version "${version.slice(0, 20)}" is not supported; use 1`);
    } catch (error) {
      problem = error;
    }
    const call = core.start(method, { protocol: "connect", requestMethod: req.method ?? "POST", url: req.url ?? "", header, timeoutMs, peerAddress: req.socket?.remoteAddress,
      credentialHeaders: authorizationCount(req.rawHeaders),
      context: callContextOf(req),
    });
    let outcome: CallOutcome;
    try {
      if (problem) throw problem;
      let message: Message;
      if (get) {
        const read = getRequest(method.method.input, query ?? new URLSearchParams());
        codec = read.codec;
        message = await read.message;
      } else {
        const encoding = header.get("content-encoding");
        const body = await readRequestBody(req, maxRequestBytes);
        message = decode(method.method.input, codec, await inflated(body, encoding));
      }
      outcome = await call.run(message);
    } catch (error) {
      outcome = call.fail(error);
    }
    await answer(req, res, method, codec, outcome);
  };

  /** The message of a Connect GET: ?message=...&encoding=json|proto[&base64=1][&compression=gzip]. */
  function getRequest(schema: DescMessage, query: URLSearchParams): { codec: Codec; message: Promise<Message> } {
    const encoding = query.get("encoding");
    if (encoding !== "json" && encoding !== "proto") {
      return { codec: "json", message: Promise.reject(malformedRequest('a GET request names its encoding: encoding=json or encoding=proto')) };
    }
    const text = query.get("message") ?? "";
    const bytes = query.get("base64") === "1" ? Buffer.from(text, "base64url") : Buffer.from(text, "utf8");
    if (bytes.length > maxRequestBytes) throw malformedRequest("the message is too large for a GET request");
    return { codec: encoding, message: inflated(bytes, query.get("compression")).then((data) => decode(schema, encoding, data)) };
  }

  async function inflated(body: Buffer, encoding: string | null): Promise<Buffer> {
    if (encoding === null || encoding === "identity") return body;
    if (encoding !== GZIP) throw unsupportedRequest(`content encoding "${encoding.slice(0, 40)}" is not supported; use gzip or identity`);
    return gunzipRequest(body, maxRequestBytes);
  }
}

function decode(schema: DescMessage, codec: Codec, data: Buffer): Message {
  return codec === "proto" ? binaryMessage(schema, data) : jsonMessage(schema, data);
}

/** At most ten digits of milliseconds, as the protocol allows. */
function connectTimeoutMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = parseConnectTimeout(value);
  if (ms === undefined) throw malformedRequest(`connect-timeout-ms "${value.slice(0, 20)}" is not a number of milliseconds`);
  return ms;
}

async function answer(req: NodeRequest, res: NodeResponse, method: UnaryMethod, codec: Codec, outcome: CallOutcome): Promise<void> {
  const headers: Record<string, string> = {};
  outcome.header?.forEach((value, name) => (headers[name] = value));
  // Unary Connect has no trailers: they travel as headers named "trailer-...".
  outcome.trailer?.forEach((value, name) => (headers[`trailer-${name}`] = value));
  if (outcome.error) {
    outcome.error.metadata.forEach((value, name) => (headers[name] = value));
    headers["content-type"] = "application/json";
    return writeWhole(req, res, connectHttpStatus(outcome.error.code), headers, connectErrorBody(outcome.error));
  }
  let body: Uint8Array | string =
    codec === "proto" ? binaryOf(method.method.output, outcome.message) : jsonOf(method.method.output, outcome.message);
  headers["content-type"] = CONTENT_TYPE[codec];
  const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  if (size >= COMPRESS_MIN_BYTES && acceptsGzip(req.headers["accept-encoding"]) && !isLoopback(req.socket?.remoteAddress)) {
    body = await gzip(typeof body === "string" ? Buffer.from(body) : body);
    headers["content-encoding"] = GZIP;
  }
  writeWhole(req, res, 200, headers, body);
}
