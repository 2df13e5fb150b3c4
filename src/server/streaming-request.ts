/**
 * The one request message of a server-streaming call, read and checked before the
 * framework's handler gets the call. connect-node reports a request it cannot parse as
 * Internal, a fault of the server's; read here first, such a request is refused as what it
 * is, InvalidArgument with an ErrorDetail like every other bad request, in the shape of the
 * protocol it came in. A request that reads well is handed on, its bytes unchanged.
 */
import type { DescMessage } from "@bufbuild/protobuf";
import type { ConnectError } from "@connectrpc/connect";
import type { NodeRequest, NodeResponse } from "./http-door.js";
import { answerGrpcWebError } from "./grpc-web-door.js";
import { connectErrorBody } from "./wire/connect-error.js";
import { envelope } from "./wire/envelope.js";
import { binaryMessage, grpcRequestMessage, jsonMessage } from "./wire/grpc-request.js";
import { grpcStatusFields } from "./wire/grpc-status.js";
import { GZIP } from "./wire/gzip.js";
import { readRequestBody } from "./wire/request-body.js";

/** The streaming protocols, as their content types name them, and the codec of each. */
export interface StreamingWire {
  readonly protocol: "grpc" | "grpc-web" | "connect";
  readonly json: boolean;
}

/** Connect's flag for the frame that ends a stream, which carries an error in JSON. */
const END_STREAM_FLAG = 0x02;

const WIRES: Record<string, StreamingWire> = {
  "application/grpc": { protocol: "grpc", json: false },
  "application/grpc+proto": { protocol: "grpc", json: false },
  "application/grpc+json": { protocol: "grpc", json: true },
  "application/grpc-web": { protocol: "grpc-web", json: false },
  "application/grpc-web+proto": { protocol: "grpc-web", json: false },
  "application/grpc-web+json": { protocol: "grpc-web", json: true },
  "application/connect+proto": { protocol: "connect", json: false },
  "application/connect+json": { protocol: "connect", json: true },
};

/** The header that names a protocol's compression of messages. */
const ENCODING_HEADER: Record<StreamingWire["protocol"], string> = {
  grpc: "grpc-encoding",
  "grpc-web": "grpc-encoding",
  connect: "connect-content-encoding",
};

export function streamingWire(contentType: string | undefined): StreamingWire | undefined {
  return contentType === undefined ? undefined : WIRES[contentType.split(";", 1)[0]!.trim().toLowerCase()];
}

/**
 * Reads the request body whole (within the limit) and checks that it is one message of
 * `schema`; resolves with the body, or rejects with why the request is bad. A compression
 * this server does not speak is left for the framework to refuse.
 */
export async function readStreamingRequest(req: NodeRequest, wire: StreamingWire, schema: DescMessage, maxBytes: number): Promise<Buffer> {
  const body = await readRequestBody(req, maxBytes);
  const encoding = req.headers[ENCODING_HEADER[wire.protocol]];
  if (encoding === undefined || encoding === "identity" || encoding === GZIP) {
    await grpcRequestMessage(schema, body, encoding === GZIP, maxBytes, wire.json ? jsonMessage : binaryMessage);
  }
  return body;
}

/** Answers a refused streaming call as its protocol answers an error before any message. */
export function answerStreamingError(req: NodeRequest, res: NodeResponse, wire: StreamingWire, error: ConnectError): void {
  if (res.headersSent || res.destroyed) return;
  switch (wire.protocol) {
    case "grpc":
      // Trailers-only: the status in the response headers, and nothing else.
      res.writeHead(200, { "content-type": "application/grpc", ...grpcStatusFields(error) }).end();
      return;
    case "grpc-web":
      answerGrpcWebError(req, res, error);
      return;
    case "connect": {
      const endStream = Buffer.from(`{"error":${connectErrorBody(error)}}`);
      const type = wire.json ? "application/connect+json" : "application/connect+proto";
      res.writeHead(200, { "content-type": type }).end(envelope(END_STREAM_FLAG, endStream));
    }
  }
}
