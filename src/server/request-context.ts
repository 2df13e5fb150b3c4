/**
 * Gives every request that reaches the port, whichever door serves it, a call context: a
 * request ID (the caller's x-request-id if sane, a new one otherwise) returned in the
 * response's x-request-id header, and the caller's W3C trace context. The doors hand it on
 * to the call, whose log lines name them.
 */
import { attachCallContext, type CallContext } from "../call-context/call-context.js";
import { REQUEST_ID_HEADER, requestIdFrom } from "../call-context/request-id.js";
import { parseTraceParent } from "../call-context/trace-context.js";
import type { NodeRequest, NodeResponse } from "./http-door.js";
import type { StreamListener } from "./listener.js";

export type RequestListener = (req: NodeRequest, res: NodeResponse) => void;

export function withRequestContext(next: RequestListener): RequestListener {
  return (req, res) => {
    const context = contextFrom(req.headers);
    res.setHeader(REQUEST_ID_HEADER, context.requestId);
    attachCallContext(req, context);
    next(req, res);
  };
}

/** The same for the HTTP/2 streams served raw (unary gRPC); the door writes x-request-id itself. */
export function withStreamContext(next: StreamListener): StreamListener {
  return (stream, headers, rawHeaders) => {
    attachCallContext(stream, contextFrom(headers));
    return next(stream, headers, rawHeaders);
  };
}

function contextFrom(headers: NodeRequest["headers"]): CallContext {
  const trace = parseTraceParent(headers.traceparent);
  return { requestId: requestIdFrom(headers[REQUEST_ID_HEADER]), traceId: trace?.traceId, spanId: trace?.spanId };
}
