/**
 * Unary gRPC-Web (application/grpc-web, +proto), as browsers and proxies send it over
 * HTTP/1.1 or HTTP/2: gRPC's framing, with the status in a trailer frame (flag 0x80) at
 * the end of the body instead of in HTTP trailers.
 */
import type { ConnectError } from "@connectrpc/connect";
import type { CallCore, UnaryMethod } from "./call/call-core.js";
import type { CallOutcome } from "./call/call.js";
import type { NodeRequest, NodeResponse } from "./http-door.js";
import { authorizationCount } from "./credentials-header.js";
import { isLoopback } from "../net/loopback-address.js";
import { unsupportedRequest } from "../interceptors/request-errors.js";
import { COMPRESSED_FLAG, ENVELOPE_HEADER_BYTES, TRAILER_FLAG, envelope } from "./wire/envelope.js";
import { grpcRequestMessage } from "./wire/grpc-request.js";
import { grpcStatusFields } from "./wire/grpc-status.js";
import { grpcTimeoutMs } from "./wire/grpc-timeout.js";
import { COMPRESS_MIN_BYTES, GZIP, acceptsGzip, gzip } from "./wire/gzip.js";
import { readRequestBody } from "./wire/request-body.js";
import { requestHeaders } from "./wire/request-headers.js";
import { writeWhole } from "./wire/whole-response.js";
import { binaryOf } from "./wire/message-encoding.js";
import { callContextOf } from "../call-context/call-context.js";

const CONTENT_TYPE = "application/grpc-web+proto";

/** "application/grpc-web" and "+proto"; "+json" and "-text" are left to the framework. */
export function isGrpcWebProto(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return type === "application/grpc-web" || type === CONTENT_TYPE;
}

export interface GrpcWebDoorOptions {
  readonly core: CallCore;
  readonly maxRequestBytes: number;
}

export function grpcWebDoor(options: GrpcWebDoorOptions) {
  const { core, maxRequestBytes } = options;

  return async function serve(req: NodeRequest, res: NodeResponse, method: UnaryMethod): Promise<void> {
    let problem: unknown;
    let header = new Headers();
    let timeoutMs: number | undefined;
    try {
      header = requestHeaders(req.headers);
      timeoutMs = grpcTimeoutMs(header.get("grpc-timeout") ?? undefined);
    } catch (error) {
      problem = error;
    }
    const call = core.start(method, { protocol: "grpc-web", requestMethod: "POST", url: req.url ?? "", header, timeoutMs, peerAddress: req.socket?.remoteAddress,
      credentialHeaders: authorizationCount(req.rawHeaders),
      context: callContextOf(req),
    });
    const encoding = header.get("grpc-encoding");
    let outcome: CallOutcome;
    try {
      if (problem) throw problem;
      if (encoding !== null && encoding !== "identity" && encoding !== GZIP) {
        throw unsupportedRequest(`grpc-encoding "${encoding.slice(0, 40)}" is not supported; use gzip or identity`);
      }
      const body = await readRequestBody(req, maxRequestBytes + ENVELOPE_HEADER_BYTES);
      outcome = await call.run(await grpcRequestMessage(method.method.input, body, encoding === GZIP, maxRequestBytes));
    } catch (error) {
      outcome = call.fail(error);
    }
    await answer(req, res, method, outcome);
  };
}

async function answer(req: NodeRequest, res: NodeResponse, method: UnaryMethod, outcome: CallOutcome): Promise<void> {
  const headers: Record<string, string> = { "content-type": CONTENT_TYPE, "grpc-accept-encoding": `${GZIP},identity` };
  outcome.header?.forEach((value, name) => (headers[name] = value));
  if (outcome.error) return writeWhole(req, res, 200, headers, trailerFrame(outcome.error, outcome.trailer));
  let data: Uint8Array = binaryOf(method.method.output, outcome.message);
  const compress =
    data.byteLength >= COMPRESS_MIN_BYTES && acceptsGzip(req.headers["grpc-accept-encoding"] as string | undefined) && !isLoopback(req.socket?.remoteAddress);
  if (compress) {
    data = await gzip(data);
    headers["grpc-encoding"] = GZIP;
  }
  writeWhole(req, res, 200, headers, Buffer.concat([envelope(compress ? COMPRESSED_FLAG : 0, data), trailerFrame(undefined, outcome.trailer)]));
}

/** An error before any method is known (the path names none): the trailer frame alone. */
export function answerGrpcWebError(req: NodeRequest, res: NodeResponse, error: ConnectError): void {
  writeWhole(req, res, 200, { "content-type": CONTENT_TYPE }, trailerFrame(error, undefined));
}

/** The trailer frame: "name: value" lines, CRLF-terminated, names in lower case. */
function trailerFrame(error: ConnectError | undefined, trailer: Headers | undefined): Buffer {
  const fields: Record<string, string> = {};
  trailer?.forEach((value, name) => (fields[name] = value));
  if (error) Object.assign(fields, grpcStatusFields(error));
  else fields["grpc-status"] = "0";
  let text = "";
  for (const name in fields) text += `${name}: ${fields[name]}\r\n`;
  return envelope(TRAILER_FLAG, Buffer.from(text, "latin1"));
}
