/**
 * One unary call in flight. It is, at once, the request the interceptors see (a Connect
 * UnaryRequest) and the context the implementation gets (a Connect HandlerContext), so a
 * call costs one object, not the handful connect-node makes. What most calls never touch
 * is made only when touched: the abort signal (and its controller), the response headers
 * and trailers.
 */
import { create, isMessage, type DescMethodUnary, type DescService, type Message, type MessageInitShape } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  type ContextValues,
  type HandlerContext,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { performance } from "node:perf_hooks";
import { callContextKey, credentialHeadersKey, peerAddressKey } from "../../api/context-keys.js";
import { callLine, type CallContext } from "../../call-context/call-context.js";
import type { Logger } from "../../logger.js";
import type { CallObserver, EndCall } from "../../metrics/edge-observer.js";
import { callCanceled, deadlineExceeded } from "../../interceptors/request-errors.js";
import type { StatusMapper } from "../../interceptors/status-mapping.js";
import type { UnaryMethod } from "./call-core.js";

/** What a door knows of a call before its message is read. */
export interface CallInput {
  /** The protocol, as logged: "grpc", "grpc-web", "connect" or "rest". */
  readonly protocol: string;
  /** The HTTP method ("POST", or "GET" for Connect GET and REST reads). */
  readonly requestMethod: string;
  readonly url: string;
  readonly header: Headers;
  /** The deadline the client set, if any, in milliseconds from now. */
  readonly timeoutMs?: number;
  /** The client's IP address, for interceptors that limit calls by address. */
  readonly peerAddress?: string;
  /** How many authorization headers the request carried (Node keeps only the first). */
  readonly credentialHeaders: number;
  /** The request's ID, trace and, once known, caller (see request-context.ts). */
  readonly context?: CallContext;
}

export type CallOutcome =
  | { readonly message: Message; readonly error?: undefined; readonly header?: Headers; readonly trailer?: Headers }
  | { readonly error: ConnectError; readonly message?: undefined; readonly header?: Headers; readonly trailer?: Headers };

/** A call's log line, as it is written. */
export interface CallRecord {
  readonly rpc: string;
  readonly protocol: string;
  readonly code: string;
  readonly ms: number;
}

export interface CallSettings {
  readonly toStatus: StatusMapper;
  readonly logger: Logger;
  readonly shutdownSignal: AbortSignal | undefined;
  readonly maxTimeoutMs: number;
  readonly calls: CallObserver | undefined;
}

export class Call implements UnaryRequest, HandlerContext {
  readonly stream = false;
  readonly service: DescService;
  readonly method: DescMethodUnary;
  readonly requestMethod: string;
  readonly url: string;
  readonly header: Headers;
  readonly protocolName: string;
  readonly contextValues: ContextValues = createContextValues();
  message!: Message;

  private readonly started = performance.now();
  private readonly deadline: number | undefined;
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private header_: Headers | undefined;
  private trailer_: Headers | undefined;
  private timer: NodeJS.Timeout | undefined;
  private outcome: CallOutcome | undefined;
  private onShutdown: (() => void) | undefined;
  private readonly ended: EndCall | undefined;

  constructor(
    private readonly settings: CallSettings,
    private readonly served: UnaryMethod,
    input: CallInput,
  ) {
    this.service = served.service;
    this.method = served.method;
    this.requestMethod = input.requestMethod;
    this.url = input.url;
    this.header = input.header;
    this.protocolName = input.protocol;
    this.contextValues
      .set(peerAddressKey, input.peerAddress)
      .set(credentialHeadersKey, input.credentialHeaders)
      .set(callContextKey, input.context);
    this.ended = settings.calls?.callStarted({ service: served.service.typeName, method: served.method.name, protocol: input.protocol });
    if (input.timeoutMs !== undefined) this.deadline = Date.now() + Math.min(input.timeoutMs, settings.maxTimeoutMs);
  }

  // --- HandlerContext ---

  get requestHeader(): Headers {
    return this.header;
  }

  get values(): ContextValues {
    return this.contextValues;
  }

  /** The request's ID, trace and, once authenticated, caller: for the call's log lines. */
  get context(): CallContext | undefined {
    return this.contextValues.get(callContextKey);
  }

  get responseHeader(): Headers {
    return (this.header_ ??= new Headers());
  }

  get responseTrailer(): Headers {
    return (this.trailer_ ??= new Headers());
  }

  timeoutMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  /** Made when first asked for: most calls finish without anyone listening to it. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
      else if (!this.outcome && this.settings.shutdownSignal) {
        this.onShutdown = () => this.abort(new ConnectError("the server is shutting down", Code.Unavailable));
        this.settings.shutdownSignal.addEventListener("abort", this.onShutdown);
      }
    }
    return this.controller.signal;
  }

  // --- the call's course ---

  /** Runs the interceptors and the implementation on the request message; settles once. */
  run(message: Message): Promise<CallOutcome> {
    this.message = message;
    if (this.deadline !== undefined && this.deadline <= Date.now()) {
      return Promise.resolve(this.fail(deadlineExceeded("the deadline passed before the call started")));
    }
    const handled = this.served.run(this).then(
      (response) => this.settle(this.succeeded(response)),
      (error: unknown) => this.fail(error),
    );
    if (this.deadline === undefined) return handled;
    return new Promise((resolve) => {
      this.timer = setTimeout(() => {
        const expired = deadlineExceeded("the deadline passed before the call finished");
        this.abort(expired);
        resolve(this.fail(expired));
      }, Math.max(0, this.deadline! - Date.now()));
      void handled.then(resolve);
    });
  }

  /** Refuses the call (its request could not be read, say): mapped, logged, settled. */
  fail(error: unknown): CallOutcome {
    if (this.outcome) return this.outcome;
    return this.settle({ error: this.settings.toStatus(error, this.context), header: this.header_, trailer: this.trailer_ });
  }

  /** The client went away: the implementation's signal aborts, and the call is logged as Canceled. */
  cancel(): void {
    if (this.outcome) return;
    const canceled = callCanceled("the client cancelled the call");
    this.abort(canceled);
    this.fail(canceled);
  }

  /** The innermost step of the interceptor chain: the implementation's answer as a response. */
  reply(output: unknown): UnaryResponse {
    const schema = this.method.output;
    const message = isMessage(output, schema) ? output : create(schema, output as MessageInitShape<typeof schema>);
    return new CallReply(this, message);
  }

  /** Whether a response is the implementation's own, whose headers may not have been made. */
  private succeeded(response: UnaryResponse): CallOutcome {
    if (response instanceof CallReply && response.call === this) {
      return { message: response.message, header: this.header_, trailer: this.trailer_ };
    }
    return { message: response.message, header: response.header, trailer: response.trailer };
  }

  private settle(outcome: CallOutcome): CallOutcome {
    if (this.outcome) return this.outcome;
    this.outcome = outcome;
    clearTimeout(this.timer);
    if (this.controller) {
      if (this.onShutdown) this.settings.shutdownSignal?.removeEventListener("abort", this.onShutdown);
      // As connect's does, the signal also ends when the call does, for work the call started.
      if (!this.controller.signal.aborted) this.controller.abort(new ConnectError("the call has ended", Code.Canceled));
    }
    const record: CallRecord = {
      rpc: this.served.path,
      protocol: this.protocolName,
      code: outcome.error ? Code[outcome.error.code] : "OK",
      ms: Math.round((performance.now() - this.started) * 100) / 100,
    };
    // Clients that give up are common, and no fault: a cancelled call is a debug line.
    const quiet = this.served.quiet || outcome.error?.code === Code.Canceled;
    this.settings.logger[quiet ? "debug" : "info"](callLine(this.context, record), "rpc");
    this.ended?.(record.code);
    return outcome;
  }

  private abort(reason: unknown): void {
    if (this.controller) this.controller.abort(reason);
    else this.abortReason = reason;
  }
}

class CallReply implements UnaryResponse {
  readonly stream = false;
  constructor(
    readonly call: Call,
    readonly message: Message,
  ) {}

  get service(): DescService {
    return this.call.service;
  }

  get method(): DescMethodUnary {
    return this.call.method;
  }

  get header(): Headers {
    return this.call.responseHeader;
  }

  get trailer(): Headers {
    return this.call.responseTrailer;
  }
}
