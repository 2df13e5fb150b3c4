/**
 * Gives every request that reaches the port, whichever door serves it, a call context: a
 * request ID (the caller's x-request-id if sane, a new one otherwise) returned in the
 * response's x-request-id header, and the caller's W3C trace context. Everything the request
 * causes runs inside that context, so each log line of the call names them.
 */
import { runInCallContext } from "../call-context/call-context.js";
import { REQUEST_ID_HEADER, requestIdFrom } from "../call-context/request-id.js";
import { parseTraceParent } from "../call-context/trace-context.js";
import type { NodeRequest, NodeResponse } from "./http-door.js";
import type { StreamListener } from "./listener.js";

export type RequestListener = (req: NodeRequest, res: NodeResponse) => void;

export function withRequestContext(next: RequestListener): RequestListener {
  return (req, res) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    const trace = parseTraceParent(req.headers.traceparent);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    runInCallContext({ requestId, traceId: trace?.traceId, spanId: trace?.spanId }, () => next(req, res));
  };
}

/** The same for the HTTP/2 streams served raw (unary gRPC); the door writes x-request-id itself. */
export function withStreamContext(next: StreamListener): StreamListener {
  return (stream, headers, rawHeaders) => {
    const requestId = requestIdFrom(headers[REQUEST_ID_HEADER]);
    const trace = parseTraceParent(headers.traceparent);
    return runInCallContext({ requestId, traceId: trace?.traceId, spanId: trace?.spanId }, () => next(stream, headers, rawHeaders));
  };
}
