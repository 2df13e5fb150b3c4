/**
 * Gives every request that reaches the port, whichever door serves it, a call context: a
 * request ID (the caller's x-request-id if sane, a new one otherwise) returned in the
 * response's x-request-id header, and the caller's W3C trace context. The doors hand it on
 * to the call, whose log lines name them. The gRPC door, which serves HTTP/2 streams raw,
 * makes its own (requestContext) and writes x-request-id itself.
 */
import { attachCallContext, type CallContext } from "../call-context/call-context.js";
import { REQUEST_ID_HEADER, requestIdFrom } from "../call-context/request-id.js";
import { parseTraceParent } from "../call-context/trace-context.js";
import type { NodeRequest, NodeResponse } from "./http-door.js";

export type RequestListener = (req: NodeRequest, res: NodeResponse) => void;

export function withRequestContext(next: RequestListener): RequestListener {
  return (req, res) => {
    const context = requestContext(req.headers);
    res.setHeader(REQUEST_ID_HEADER, context.requestId);
    attachCallContext(req, context);
    next(req, res);
  };
}

/** The context of a request with these headers; the gRPC door, which serves HTTP/2 streams raw, makes its own. */
export function requestContext(headers: NodeRequest["headers"]): CallContext {
  const trace = parseTraceParent(headers.traceparent);
  return {
    requestId: requestIdFrom(headers[REQUEST_ID_HEADER]),
    receivedAt: performance.now(),
    traceId: trace?.traceId,
    spanId: trace?.spanId,
  };
}
