/**
 * Serves connect's RPC handlers (gRPC, gRPC-Web and Connect on the same paths) on Node's
 * HTTP servers. It plays the part of connect-node's adapter, plus what every call needs
 * whatever its protocol: responses are not compressed for loopback peers, the final status
 * always carries a zitadel.v1.ErrorDetail (also when the framework itself refused the
 * request), and each call leaves one log line with its method, code and duration.
 */
import { Code, createConnectRouter, createContextKey, type ConnectError, type ConnectRouter } from "@connectrpc/connect";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type { UniversalHandler, UniversalHandlerFn, UniversalServerResponse } from "@connectrpc/connect/protocol";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { performance } from "node:perf_hooks";
import type { Logger } from "../logger.js";
import type { CallObserver } from "../metrics/edge-observer.js";
import { declineResponseCompression, isLoopback } from "./loopback.js";
import { finalizeConnectStream, finalizeConnectUnary } from "./protocols/connect.js";
import { finalizeGrpcWeb } from "./protocols/grpc-web.js";
import { finalizeGrpc } from "./protocols/grpc.js";
import type { Settle } from "./protocols/settle.js";
import type { StatusMapper } from "./status-error.js";

export type NodeRequest = IncomingMessage | Http2ServerRequest;
export type NodeResponse = ServerResponse | Http2ServerResponse;

export interface RpcHandlerOptions {
  readonly routes: (router: ConnectRouter) => void;
  readonly toStatus: StatusMapper;
  readonly logger: Logger;
  /** Larger request messages are refused with ResourceExhausted. */
  readonly readMaxBytes: number;
  /** Aborts calls still running when the server gives up waiting for them at shutdown. */
  readonly shutdownSignal?: AbortSignal;
  /**
   * Services whose calls are logged at debug level only: health checks, which probes make
   * every few seconds, and reflection.
   */
  readonly quietServices?: ReadonlySet<string>;
  /** Learns when each call starts and ends (metrics). */
  readonly calls?: CallObserver;
}

/** One way into the service over HTTP (RPCs, REST, health probes ...). */
export interface HttpDoor {
  /** Serves the request if it is this door's; returns false, untouched, otherwise. */
  handle(req: NodeRequest, res: NodeResponse): boolean;
}

export interface RpcHandler extends HttpDoor {
  /**
   * The RPC handlers by path, for other doors to the same calls (the REST gateway calls
   * them in-process with the Connect protocol). Each settles the call's final status and
   * logs the call, whichever door it came through.
   */
  readonly handlers: ReadonlyMap<string, UniversalHandler>;
}

/** Names the protocol in the request log when a door calls the handlers in-process. */
export const callProtocolKey = createContextKey<string | undefined>(undefined, { description: "call protocol" });

type Protocol = "grpc" | "grpc-web" | "connect" | "connect-stream";

type Finalizer = (res: UniversalServerResponse, settle: Settle) => UniversalServerResponse | Promise<UniversalServerResponse>;

const finalizers: Record<Protocol, Finalizer> = {
  grpc: finalizeGrpc,
  "grpc-web": finalizeGrpcWeb,
  connect: finalizeConnectUnary,
  "connect-stream": finalizeConnectStream,
};

function protocolOf(contentType: string | null): Protocol {
  const type = contentType ?? "";
  if (type.startsWith("application/grpc-web")) return "grpc-web";
  if (type.startsWith("application/grpc")) return "grpc";
  if (type.startsWith("application/connect+")) return "connect-stream";
  return "connect";
}

export function createRpcHandler(options: RpcHandlerOptions): RpcHandler {
  const { toStatus, logger } = options;
  const router = createConnectRouter({
    acceptCompression: [compressionGzip, compressionBrotli],
    readMaxBytes: options.readMaxBytes,
    // Protobuf's JSON rules: a field the message does not have is an error, not ignored.
    jsonOptions: { ignoreUnknownFields: false },
    shutdownSignal: options.shutdownSignal,
  });
  options.routes(router);
  const handlers = new Map(router.handlers.map((handler) => [handler.requestPath, settled(handler)]));

  /** The handler, plus what every call needs: a final status with an ErrorDetail, and a log line. */
  function settled(handler: UniversalHandler): UniversalHandler {
    const call: UniversalHandlerFn = async (uReq) => {
      const started = performance.now();
      const protocol = protocolOf(uReq.header.get("content-type"));
      const logged = uReq.contextValues?.get(callProtocolKey) ?? protocol;
      const level = options.quietServices?.has(handler.service.typeName) ? "debug" : "info";
      const end = options.calls?.callStarted({ service: handler.service.typeName, method: handler.method.name, protocol: logged });
      const log = (code: string) => {
        end?.(code);
        logger[level]({ rpc: handler.requestPath, protocol: logged, code, ms: round(performance.now() - started) }, "rpc");
      };
      const settle: Settle = (error) => {
        const final = error && toStatus(error);
        log(codeName(final));
        return final;
      };
      const uRes = await handler(uReq);
      // Refusals before any call (unsupported media type, wrong method) carry no status.
      if (uRes.body === undefined) log(`HTTP ${uRes.status}`);
      return uRes.body ? finalizers[protocol](uRes, settle) : uRes;
    };
    // The handler's description (path, method, protocols) stays as it was.
    return Object.assign(call, handler);
  }

  async function serve(handler: UniversalHandler, req: NodeRequest, res: NodeResponse): Promise<void> {
    const uReq = universalRequestFromNodeRequest(req, res, undefined, undefined);
    if (isLoopback(req.socket.remoteAddress)) declineResponseCompression(uReq.header);
    try {
      const final = await handler(uReq);
      if (!req.complete && req.httpVersionMajor === 1) {
        // The call was answered before its body was read (too large, say), and the rest of
        // the body will not be: a client must not send its next request on this socket.
        final.header?.set("connection", "close");
      }
      await universalResponseToNodeResponse(final, res);
    } catch (reason) {
      // The response could not be written: the client went away mid-call.
      logger.debug({ rpc: handler.requestPath, err: reason }, "response not delivered");
    }
  }

  return {
    handlers,
    handle(req, res) {
      const handler = handlers.get((req.url ?? "").split("?", 1)[0]!);
      if (!handler) return false;
      void serve(handler, req, res);
      return true;
    },
  };
}

function codeName(error: ConnectError | undefined): string {
  return error ? Code[error.code] : "OK";
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
