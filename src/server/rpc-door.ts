/**
 * The RPC door for requests that arrive as Node request objects (HTTP/1.1, and HTTP/2
 * streams the gRPC door declined): unary Connect and gRPC-Web calls go to their own lean
 * doors on the call core; what only the framework speaks (streaming methods, JSON over
 * gRPC) goes to connect-node's handlers; a gRPC or gRPC-Web call to a path nobody serves
 * is answered as gRPC answers it (HTTP 200, grpc-status 12), not with a 404 page.
 */
import type { DescMethod } from "@bufbuild/protobuf";
import { Code, createConnectRouter, createContextValues, type ConnectRouter } from "@connectrpc/connect";
import { compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { callContextKey, credentialHeadersKey, peerAddressKey } from "../api/context-keys.js";
import http2 from "node:http2";
import type { Logger } from "../logger.js";
import type { CallCore, ServedService } from "./call/call-core.js";
import { allowsGet, connectCodec, connectDoor } from "./connect-door.js";
import { answerGrpcWebError, grpcWebDoor, isGrpcWebProto } from "./grpc-web-door.js";
import type { HttpDoor, NodeRequest, NodeResponse } from "./http-door.js";
import { authorizationCount } from "./credentials-header.js";
import { isLoopback } from "../net/loopback-address.js";
import { declineResponseCompression } from "./loopback.js";
import { answerStreamingError, readStreamingRequest, streamingWire } from "./streaming-request.js";
import { grpcStatusFields } from "./wire/grpc-status.js";
import { callContextOf, callLine } from "../call-context/call-context.js";

export interface RpcDoorOptions {
  readonly core: CallCore;
  /** The same services the core serves, for the framework's handlers of what the core does not. */
  readonly services: readonly ServedService[];
  readonly logger: Logger;
  /** Larger request messages are refused with ResourceExhausted. */
  readonly maxRequestBytes: number;
  /** Aborts streaming calls still running when the server gives up waiting for them at shutdown. */
  readonly shutdownSignal?: AbortSignal;
}

export function createRpcDoor(options: RpcDoorOptions): HttpDoor {
  const { core, logger, maxRequestBytes } = options;
  const framework = frameworkHandlers(options);
  const connect = connectDoor({ core, maxRequestBytes });
  const grpcWeb = grpcWebDoor({ core, maxRequestBytes });

  const serverStreaming = new Map<string, DescMethod>();
  for (const { service } of options.services) {
    for (const method of service.methods) if (method.methodKind === "server_streaming") serverStreaming.set(`/${service.typeName}/${method.name}`, method);
  }

  async function serveFramework(handler: UniversalHandler, req: NodeRequest, res: NodeResponse): Promise<void> {
    const context = callContextOf(req);
    const end = core.streamingCall(handler.requestPath, protocolOf(req.headers["content-type"]), context);
    let done = false;
    const ended = (code: string) => {
      if (!done) end(code);
      done = true;
    };
    // A client that resets the stream ends the call then, whatever the handler still does.
    res.once("close", () => {
      if (clientWentAway(res)) ended("Canceled");
    });
    try {
      const values = createContextValues()
        .set(peerAddressKey, req.socket?.remoteAddress)
        .set(credentialHeadersKey, authorizationCount(req.rawHeaders))
        .set(callContextKey, context);
      let uReq = universalRequestFromNodeRequest(req, res, undefined, values);
      const method = serverStreaming.get(handler.requestPath);
      const wire = streamingWire(req.headers["content-type"]);
      if (method && wire) {
        let body: Buffer;
        try {
          body = await readStreamingRequest(req, wire, method.input, maxRequestBytes);
        } catch (reason) {
          const refusal = core.toStatus(reason, context);
          ended(Code[refusal.code]);
          return answerStreamingError(req, res, wire, refusal);
        }
        // The body is read: the handler gets the same bytes from here.
        uReq = { ...uReq, body: bytesOnce(body) };
      }
      if (isLoopback(req.socket?.remoteAddress)) declineResponseCompression(uReq.header);
      const answer = await handler(uReq);
      await universalResponseToNodeResponse(answer, res);
      ended(clientWentAway(res) ? "Canceled" : finalCode(answer));
    } catch (reason) {
      ended("Canceled");
      logger.debug(callLine(context, { rpc: handler.requestPath, err: reason }), "response not delivered");
      if (!res.headersSent && !res.destroyed) res.writeHead(400).end();
    }
  }

  /** The doors answer every failure of a call; what is left is a response that could not be written. */
  function served(req: NodeRequest, answer: Promise<void>): true {
    answer.catch((reason: unknown) => logger.debug(callLine(callContextOf(req), { err: reason }), "response not delivered"));
    return true;
  }

  return {
    handle(req, res) {
      const target = req.url ?? "";
      const mark = target.indexOf("?");
      const path = mark === -1 ? target : target.slice(0, mark);
      const contentType = req.headers["content-type"];
      const unary = core.unary.get(path);
      if (unary && req.method === "POST") {
        if (isGrpcWebProto(contentType)) return served(req, grpcWeb(req, res, unary));
        if (connectCodec(contentType)) return served(req, connect(req, res, unary, undefined));
      }
      if (unary && req.method === "GET" && allowsGet(unary)) {
        return served(req, connect(req, res, unary, new URLSearchParams(mark === -1 ? "" : target.slice(mark + 1))));
      }
      const handler = framework.get(path);
      if (handler) return served(req, serveFramework(handler, req, res));
      if (contentType?.startsWith("application/grpc-web")) {
        answerGrpcWebError(req, res, core.unknown(path, "grpc-web", callContextOf(req)));
        return true;
      }
      if (contentType?.startsWith("application/grpc")) {
        res.writeHead(200, { "content-type": "application/grpc", ...grpcStatusFields(core.unknown(path, "grpc", callContextOf(req))) }).end();
        return true;
      }
      return false;
    },
  };
}


async function* bytesOnce(body: Uint8Array): AsyncIterable<Uint8Array> {
  yield body;
}

/** Whether the client reset the stream (HTTP/2) or closed the connection before the answer ended. */
function clientWentAway(res: NodeResponse): boolean {
  if ("stream" in res) return res.stream.rstCode !== undefined && res.stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR;
  return !res.writableEnded;
}

/** The protocol of a request the framework serves, as calls are logged. */
function protocolOf(contentType: string | undefined): string {
  if (contentType?.startsWith("application/grpc-web")) return "grpc-web";
  if (contentType?.startsWith("application/grpc")) return "grpc";
  return contentType?.startsWith("application/connect+") ? "connect-stream" : "connect";
}

/**
 * The code a finished response carries: gRPC's trailer, or the HTTP status of a refusal.
 * (gRPC-Web and Connect streams carry theirs in the body, which is not read again here.)
 */
function finalCode(answer: UniversalServerResponse): string {
  const status = answer.trailer?.get("grpc-status") ?? answer.header?.get("grpc-status");
  if (status) return Code[Number(status)] ?? `grpc-status ${status}`;
  return answer.status === 200 ? "OK" : `HTTP ${answer.status}`;
}

function frameworkHandlers(options: RpcDoorOptions): Map<string, UniversalHandler> {
  const router: ConnectRouter = createConnectRouter({
    acceptCompression: [compressionGzip],
    readMaxBytes: options.maxRequestBytes,
    // Protobuf's JSON rules: a field the message does not have is an error, not ignored.
    jsonOptions: { ignoreUnknownFields: false },
    shutdownSignal: options.shutdownSignal,
  });
  for (const served of options.services) router.service(served.service, served.impl, { interceptors: [...served.interceptors] });
  return new Map(router.handlers.map((handler) => [handler.requestPath, handler]));
}
