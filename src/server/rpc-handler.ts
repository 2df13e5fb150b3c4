/**
 * Serves connect's RPC handlers (gRPC, gRPC-Web and Connect on the same paths) on Node's
 * HTTP servers. It plays the part of connect-node's adapter, plus what every call needs
 * whatever its protocol: responses are not compressed for loopback peers, the final status
 * always carries a zitadel.v1.ErrorDetail (also when the framework itself refused the
 * request), and each call leaves one log line with its method, code and duration.
 */
import {
  Code,
  ConnectError,
  createConnectRouter,
  createContextKey,
  createContextValues,
  type ConnectRouter,
  type ContextValues,
} from "@connectrpc/connect";
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type {
  UniversalHandler,
  UniversalHandlerFn,
  UniversalServerRequest,
  UniversalServerResponse,
} from "@connectrpc/connect/protocol";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { performance } from "node:perf_hooks";
import { credentialHeadersKey, peerAddressKey } from "../api/context-keys.js";
import type { Logger } from "../logger.js";
import type { CallObserver } from "../metrics/edge-observer.js";
import { refusingCompressedFlag } from "./compressed-flag.js";
import { authorizationCount } from "./credentials-header.js";
import { restError } from "./gateway/rest-error.js";
import { sendRestResponse } from "./gateway/rest-response.js";
import { isLoopback } from "../net/loopback-address.js";
import { declineResponseCompression } from "./loopback.js";
import { finalizeConnectStream, finalizeConnectUnary } from "./protocols/connect.js";
import { finalizeGrpcWeb } from "./protocols/grpc-web.js";
import { finalizeGrpc } from "./protocols/grpc.js";
import type { Settle } from "./protocols/settle.js";
import { keptOpen } from "./request-body.js";
import { decompressedBody, REQUEST_COMPRESSIONS, requestCompressionNamed } from "./request-compression.js";
import { capDeadline } from "./request-deadline.js";
import type { StatusMapper } from "../interceptors/status-mapping.js";
import { utf8Checked, utf8CheckedEnvelopes } from "./utf8-text.js";

export type NodeRequest = IncomingMessage | Http2ServerRequest;
export type NodeResponse = ServerResponse | Http2ServerResponse;

export interface RpcHandlerOptions {
  readonly routes: (router: ConnectRouter) => void;
  readonly toStatus: StatusMapper;
  readonly logger: Logger;
  /** Larger request messages are refused with ResourceExhausted. */
  readonly readMaxBytes: number;
  /** The longest deadline a call may ask for; longer ones are shortened to it. */
  readonly maxDeadlineMs: number;
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

/**
 * Whether the call's client has gone away (reset its stream, closed its connection). The
 * request's signal learns it only on the stream's close event, after the handler may already
 * have failed on the body cut short.
 */
const clientGoneKey = createContextKey<() => boolean>(() => false, { description: "client gone" });

/** The context values every call from a Node request starts with. */
export function callContextValues(req: NodeRequest, res: NodeResponse): ContextValues {
  const gone = () => ("stream" in req ? req.stream.destroyed : res.destroyed || !req.socket || req.socket.destroyed);
  return createContextValues()
    .set(clientGoneKey, gone)
    .set(credentialHeadersKey, authorizationCount(req.rawHeaders))
    .set(peerAddressKey, req.socket?.remoteAddress);
}

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
  const CANCELED = toStatus(new ConnectError("the client cancelled the call", Code.Canceled));
  const router = createConnectRouter({
    acceptCompression: [...REQUEST_COMPRESSIONS],
    readMaxBytes: options.readMaxBytes,
    // Protobuf's JSON rules: a field the message does not have is an error, not ignored.
    jsonOptions: { ignoreUnknownFields: false },
    shutdownSignal: options.shutdownSignal,
  });
  options.routes(router);
  const handlers = new Map(router.handlers.map((handler) => [handler.requestPath, settled(handler)]));

  /** The handler, plus what every call needs: a final status with an ErrorDetail, and a log line. */
  function settled(handler: UniversalHandler): UniversalHandler {
    const call: UniversalHandlerFn = async (received) => {
      const started = performance.now();
      const protocol = protocolOf(received.header.get("content-type"));
      const uReq = checked(received, protocol, options);
      const logged = uReq.contextValues?.get(callProtocolKey) ?? protocol;
      const quiet = options.quietServices?.has(handler.service.typeName);
      const end = options.calls?.callStarted({ service: handler.service.typeName, method: handler.method.name, protocol: logged });
      const log = (code: string, level: "debug" | "info" = quiet ? "debug" : "info") => {
        end?.(code);
        logger[level]({ rpc: handler.requestPath, protocol: logged, code, ms: round(performance.now() - started) }, "rpc");
      };
      const settle: Settle = (error) => {
        if (uReq.signal.aborted || uReq.contextValues?.get(clientGoneKey)()) {
          // The client cancelled the call or went away: whatever the handler made of that
          // (a body cut short, an aborted read), it is no fault of ours, and no one hears
          // the answer. Clients that give up are common, so this is a debug line.
          log(Code[Code.Canceled], "debug");
          return error && CANCELED;
        }
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
    try {
      const uReq = universalRequestFromNodeRequest(req, res, undefined, callContextValues(req, res));
      if (isLoopback(req.socket.remoteAddress)) declineResponseCompression(uReq.header);
      const final = await handler(uReq);
      if (!req.complete && req.httpVersionMajor === 1) {
        // The call was answered before its body was read (too large, say), and the rest of
        // the body will not be: a client must not send its next request on this socket.
        final.header?.set("connection", "close");
      }
      await universalResponseToNodeResponse(final, res);
    } catch (reason) {
      if (res.headersSent || res.writableEnded || !req.socket || req.socket.destroyed) {
        // The response could not be written: the client went away mid-call.
        logger.debug({ rpc: handler.requestPath, err: reason }, "response not delivered");
      } else {
        // Nothing was answered: a fault of ours, answered as one rather than left hanging.
        sendRestResponse(req, res, restError(toStatus(reason)));
      }
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

/**
 * The request, with its deadline capped, and its body checked on the way in where the RPC
 * framework would take bad input for a fault of ours or decode it leniently: messages
 * flagged compressed without an encoding, JSON that is not UTF-8.
 */
function checked(uReq: UniversalServerRequest, protocol: Protocol, limits: RequestLimits): UniversalServerRequest {
  capDeadline(uReq.header, limits.maxDeadlineMs);
  // A door that calls in-process (the REST gateway) hands over the message, already parsed.
  if (!isByteStream(uReq.body)) return uReq;
  // Read so that a refusal, ours or the framework's, leaves the connection able to carry it.
  let body = keptOpen(uReq.body);
  const json = /^application\/([a-z-]+\+)?json(;|$)/.test(uReq.header.get("content-type") ?? "");
  const encodingHeader = ENCODING_HEADERS[protocol];
  const encoding = uReq.header.get(encodingHeader);
  const compressed = encoding !== null && encoding !== "identity";
  if (protocol === "connect") {
    if (!json) return { ...uReq, body };
    const compression = requestCompressionNamed(encoding);
    // An encoding we do not know is the framework's to refuse.
    if (compressed && !compression) return { ...uReq, body };
    if (compression) {
      body = decompressedBody(body, compression, limits.readMaxBytes);
      // What is handed on is the decompressed body: neither encoding nor length apply.
      uReq.header.delete(encodingHeader);
      uReq.header.delete("content-length");
    }
    return { ...uReq, body: utf8Checked(body) };
  }
  if (!compressed) body = refusingCompressedFlag(body);
  // Compressed JSON messages in envelopes are decoded by the framework: not checked here.
  if (json && !compressed) body = utf8CheckedEnvelopes(body);
  return { ...uReq, body };
}

function isByteStream(body: UniversalServerRequest["body"]): body is AsyncIterable<Uint8Array> {
  return typeof body === "object" && body !== null && Symbol.asyncIterator in body;
}

/** Where each protocol names the request's compression. */
const ENCODING_HEADERS: Record<Protocol, string> = {
  grpc: "grpc-encoding",
  "grpc-web": "grpc-encoding",
  connect: "content-encoding",
  "connect-stream": "connect-content-encoding",
};

interface RequestLimits {
  readonly readMaxBytes: number;
  readonly maxDeadlineMs: number;
}

function codeName(error: ConnectError | undefined): string {
  return error ? Code[error.code] : "OK";
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
