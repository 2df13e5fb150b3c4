/**
 * What is known about the call being served, wherever in its asynchronous work code runs:
 * its request ID, the caller's trace (W3C trace context), and, once authenticated, who is
 * calling. The logger adds these to every line written during the call, so that a call's
 * lines can be found together and joined with the caller's traces.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface CallContext {
  /** From a sane x-request-id header, or generated; returned in the response's x-request-id. */
  readonly requestId: string;
  /** The caller's trace and span (traceparent), when it sent them. */
  readonly traceId?: string;
  readonly spanId?: string;
  /** The authenticated caller's user and own organization, once known. */
  userId?: string;
  orgId?: string;
}

const storage = new AsyncLocalStorage<CallContext>();

/** Runs the work, and everything it starts, as part of the call. */
export function runInCallContext<T>(context: CallContext, work: () => T): T {
  return storage.run(context, work);
}

/**
 * The work, bound to the call running now: called later from an event of the connection
 * (whose own async context is not the call's), it still runs as part of the call. Cheaper
 * than an AsyncResource per call, which is what this replaces on the hot path.
 */
export function bindToCallContext<A extends unknown[], T>(work: (...args: A) => T): (...args: A) => T {
  const context = storage.getStore();
  return context ? (...args: A) => storage.run(context, work, ...args) : work;
}

/** The call the running code serves, if any. */
export function currentCallContext(): CallContext | undefined {
  return storage.getStore();
}

/** The context's fields that are set, for a log line. */
export function callLogFields(): Record<string, string> {
  const context = storage.getStore();
  if (!context) return {};
  const fields: Record<string, string> = { requestId: context.requestId };
  if (context.traceId) fields.traceId = context.traceId;
  if (context.spanId) fields.spanId = context.spanId;
  if (context.userId) fields.userId = context.userId;
  if (context.orgId) fields.orgId = context.orgId;
  return fields;
}
