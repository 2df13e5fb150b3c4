/**
 * The call core: what every door to a unary RPC shares once it knows the method. A door
 * (gRPC, gRPC-Web, Connect, REST) reads its protocol's request into a message and headers;
 * the core runs the method's Connect interceptors and implementation, maps any failure to
 * one status with a zitadel.v1.ErrorDetail, and writes the call's one log line. The door
 * then writes the outcome in its protocol's shape.
 */
import { create, isMessage, type DescMethodServerStreaming, type DescMethodUnary, type DescService, type Message } from "@bufbuild/protobuf";
import { performance } from "node:perf_hooks";
import {
  createContextValues,
  createHandlerContext,
  createServiceImplSpec,
  type ConnectError,
  type HandlerContext,
  type Interceptor,
  type ServiceImpl,
  type StreamRequest,
  type StreamResponse,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { callContextKey, credentialHeadersKey, peerAddressKey } from "../../api/context-keys.js";
import { callLine, type CallContext } from "../../call-context/call-context.js";
import type { Logger } from "../../logger.js";
import { UNKNOWN, type CallObserver } from "../../metrics/edge-observer.js";
import { methodNotServed, unknownMethod } from "../../interceptors/request-errors.js";
import type { StatusMapper } from "../../interceptors/status-mapping.js";
import { Call, type CallInput } from "./call.js";

/** A service as served: its implementation, and the interceptors its calls pass through. */
export interface ServedService {
  readonly service: DescService;
  readonly impl: Partial<ServiceImpl<DescService>>;
  readonly interceptors: readonly Interceptor[];
  /** Calls logged at debug level only: health checks, which probes make every few seconds. */
  readonly quiet?: boolean;
}

/** Typed where it is declared, so that an implementation must match its service. */
export function servedService<S extends DescService>(
  service: S,
  impl: ServiceImpl<S>,
  interceptors: readonly Interceptor[],
  quiet = false,
): ServedService {
  return { service, impl: impl as Partial<ServiceImpl<DescService>>, interceptors, quiet };
}

/**
 * A service of which only some methods are served. The others keep their paths and REST
 * routes, and answer Unimplemented before any interceptor runs: there is nothing behind
 * them to authenticate for.
 */
export function partlyServedService<S extends DescService>(
  service: S,
  impl: Partial<ServiceImpl<S>>,
  interceptors: readonly Interceptor[],
): ServedService {
  return { service, impl: impl as Partial<ServiceImpl<DescService>>, interceptors };
}

export interface UnaryMethod {
  /** "/package.Service/Method", the path every RPC protocol calls it by. */
  readonly path: string;
  readonly service: DescService;
  readonly method: DescMethodUnary;
  readonly quiet: boolean;
  /** The implementation behind the interceptors. */
  readonly run: (req: UnaryRequest) => Promise<UnaryResponse>;
}

/**
 * A server-streaming method, for doors that speak no protocol connect-node serves (REST's
 * server-sent events). The other doors leave streaming methods to connect-node's handlers.
 */
export interface StreamMethod {
  readonly path: string;
  readonly service: DescService;
  readonly method: DescMethodServerStreaming;
  /**
   * Runs the interceptors and the implementation on the request message. A refusal throws
   * (unmapped); otherwise the response's messages follow as the door reads them.
   */
  open(message: Message, input: StreamInput): Promise<StreamResponse>;
}

/** What a door knows of a streaming call, as CallInput for a unary one. */
export interface StreamInput {
  readonly protocol: string;
  readonly requestMethod: string;
  readonly url: string;
  readonly header: Headers;
  readonly peerAddress?: string;
  readonly credentialHeaders: number;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  readonly context?: CallContext;
}

export interface CallCoreOptions {
  readonly services: readonly ServedService[];
  readonly toStatus: StatusMapper;
  readonly logger: Logger;
  /** Aborts the signal of calls still running when the server gives up waiting at shutdown. */
  readonly shutdownSignal?: AbortSignal;
  /** Longer deadlines a client asks for are cut to this; a call cannot hold the server longer. */
  readonly maxTimeoutMs?: number;
  /** Learns when each call starts and ends (metrics). */
  readonly calls?: CallObserver;
}

/** Node's HTTP/1.1 server ends a request after 300 s; no call may ask for more than that either. */
export const MAX_TIMEOUT_MS = 300_000;

/** An unknown path is logged, but only so much of it. */
const MAX_LOGGED_PATH = 200;

export interface CallCore {
  /** The unary methods of every served service, by path. */
  readonly unary: ReadonlyMap<string, UnaryMethod>;
  /** The paths of the served streaming methods, which stay with the framework's handlers. */
  readonly streaming: ReadonlySet<string>;
  /** The server-streaming methods, by path, for doors of their own (REST's event streams). */
  readonly serverStreams: ReadonlyMap<string, StreamMethod>;
  /** Starts a call: the door reads its request, then runs it or refuses it through the call. */
  start(method: UnaryMethod, input: CallInput): Call;
  /** A call to a method nobody serves: Unimplemented, mapped and logged like any call. */
  unknown(path: string, protocol: string, context: CallContext | undefined): ConnectError;
  /** Any failure as the one status every door answers with (a streaming call's refusal, say). */
  readonly toStatus: StatusMapper;
  /**
   * A streaming call, which the framework's handlers serve: started now; the returned
   * function ends it with its code, for the log line and the metrics.
   */
  streamingCall(path: string, protocol: string, context: CallContext | undefined): (code: string) => void;
}

export function createCallCore(options: CallCoreOptions): CallCore {
  const unary = new Map<string, UnaryMethod>();
  const streaming = new Set<string>();
  const quietStreaming = new Set<string>();
  const serverStreams = new Map<string, StreamMethod>();
  for (const served of options.services) {
    const spec = createServiceImplSpec(served.service, served.impl);
    for (const method of served.service.methods) {
      const path = `/${served.service.typeName}/${method.name}`;
      if (method.methodKind !== "unary") {
        streaming.add(path);
        if (served.quiet) quietStreaming.add(path);
        if (method.methodKind === "server_streaming") {
          const impl = spec.methods[method.localName]!.impl as (request: unknown, ctx: HandlerContext) => AsyncIterable<unknown>;
          serverStreams.set(path, serverStream(served, method as DescMethodServerStreaming, impl, options.shutdownSignal));
        }
        continue;
      }
      const quiet = served.quiet ?? false;
      if (!Object.hasOwn(served.impl, method.localName)) {
        const run = () => Promise.reject(methodNotServed(path));
        unary.set(path, { path, service: served.service, method: method as DescMethodUnary, quiet, run });
        continue;
      }
      const impl = spec.methods[method.localName]!.impl as (request: unknown, ctx: Call) => unknown;
      const innermost = async (req: UnaryRequest): Promise<UnaryResponse> => {
        const call = req as unknown as Call;
        return call.reply(await impl(req.message, call));
      };
      const run = served.interceptors.reduceRight((next, interceptor) => interceptor(next as never) as never, innermost);
      unary.set(path, { path, service: served.service, method: method as DescMethodUnary, quiet, run });
    }
  }
  const settings = {
    toStatus: options.toStatus,
    logger: options.logger,
    shutdownSignal: options.shutdownSignal,
    maxTimeoutMs: options.maxTimeoutMs ?? MAX_TIMEOUT_MS,
    calls: options.calls,
  };

  return {
    unary,
    streaming,
    toStatus: options.toStatus,
    serverStreams,
    start(method, input) {
      return new Call(settings, method, input);
    },
    unknown(path, protocol, context) {
      options.calls?.callStarted({ service: UNKNOWN, method: UNKNOWN, protocol })("Unimplemented");
      options.logger.info(callLine(context, { rpc: path.slice(0, MAX_LOGGED_PATH), protocol, code: "Unimplemented", ms: 0 }), "rpc");
      return options.toStatus(unknownMethod(), context);
    },
    streamingCall(path, protocol, context) {
      const started = performance.now();
      const [, service, method] = path.split("/");
      const ended = options.calls?.callStarted({ service: service!, method: method!, protocol });
      return (code) => {
        ended?.(code);
        const quiet = quietStreaming.has(path) || code === "Canceled";
        const ms = Math.round((performance.now() - started) * 100) / 100;
        options.logger[quiet ? "debug" : "info"](callLine(context, { rpc: path, protocol, code, ms }), "rpc");
      };
    },
  };
}


function serverStream(
  served: ServedService,
  method: DescMethodServerStreaming,
  impl: (request: unknown, ctx: HandlerContext) => AsyncIterable<unknown>,
  shutdownSignal: AbortSignal | undefined,
): StreamMethod {
  const path = `/${served.service.typeName}/${method.name}`;
  return {
    path,
    service: served.service,
    method,
    open(message, input) {
      const ctx = createHandlerContext({
        service: served.service,
        method,
        protocolName: input.protocol,
        requestMethod: input.requestMethod,
        url: input.url,
        requestSignal: input.signal,
        shutdownSignal,
        requestHeader: input.header,
        contextValues: createContextValues()
          .set(peerAddressKey, input.peerAddress)
          .set(credentialHeadersKey, input.credentialHeaders)
          .set(callContextKey, input.context),
      });
      // As connect-node's handlers do: the implementation gets the request message the
      // interceptors pass on, and its outputs become messages of the method's output type.
      const innermost = async (req: StreamRequest): Promise<StreamResponse> => {
        let request: unknown;
        for await (const first of req.message) {
          request = first;
          break;
        }
        return {
          stream: true,
          service: served.service,
          method,
          header: ctx.responseHeader,
          trailer: ctx.responseTrailer,
          message: outputs(impl(request, ctx), method),
        };
      };
      const run = served.interceptors.reduceRight(
        (next, interceptor) => interceptor(next as never) as never,
        innermost as (req: StreamRequest) => Promise<StreamResponse>,
      );
      return run({
        stream: true,
        service: served.service,
        method,
        requestMethod: input.requestMethod,
        url: input.url,
        signal: ctx.signal,
        header: ctx.requestHeader,
        contextValues: ctx.values,
        message: single(message),
      });
    },
  };
}

async function* single(message: Message): AsyncIterable<Message> {
  yield message;
}

async function* outputs(items: AsyncIterable<unknown>, method: DescMethodServerStreaming): AsyncIterable<Message> {
  const schema = method.output;
  for await (const item of items) yield isMessage(item, schema) ? item : create(schema, item as never);
}
