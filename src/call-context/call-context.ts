/**
 * What is known about the call being served: its request ID, the caller's trace (W3C trace
 * context), and, once authenticated, who is calling. The lines the service writes about a
 * call carry these, so that a call's lines can be found together and joined with the
 * caller's traces.
 *
 * The context travels explicitly (with the request object a door gets, then in the call's
 * context values), not in an AsyncLocalStorage: on Node 20 any AsyncLocalStorage turns on
 * promise hooks for the whole process, and with them every promise of every call cost more:
 * about a sixth of a read's server time.
 */
export interface CallContext {
  /** From a sane x-request-id header, or generated; returned in the response's x-request-id. */
  readonly requestId: string;
  /**
   * When the request reached the server (performance.now()): the caller sent it before
   * then, so what the store has checked since covers everything committed before the call.
   */
  readonly receivedAt: number;
  /** The caller's trace and span (traceparent), when it sent them. */
  readonly traceId?: string;
  readonly spanId?: string;
  /** The authenticated caller's user and own organization, once known. */
  userId?: string;
  orgId?: string;
}

/** The context of each request, by the request object the doors are handed. */
const contexts = new WeakMap<object, CallContext>();

/** Gives the request its context, for the doors that serve it. */
export function attachCallContext(request: object, context: CallContext): void {
  contexts.set(request, context);
}

/** The context given to a request, if any. */
export function callContextOf(request: object): CallContext | undefined {
  return contexts.get(request);
}

/**
 * A log line about a call: the fields of its context that are set (none without one),
 * then the line's own. Built field by field: spreading objects of varying shapes into one
 * was a measurable part of a call's cost.
 */
export function callLine(context: CallContext | undefined, fields: object): object {
  if (!context) return fields;
  const own = fields as Readonly<Record<string, unknown>>;
  const line: Record<string, unknown> = { requestId: context.requestId };
  if (context.traceId) line.traceId = context.traceId;
  if (context.spanId) line.spanId = context.spanId;
  if (context.userId) line.userId = context.userId;
  if (context.orgId) line.orgId = context.orgId;
  for (const name in own) line[name] = own[name];
  return line;
}
