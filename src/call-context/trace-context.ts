/**
 * W3C Trace Context: the `traceparent` header names the caller's trace and the span that
 * made this call (https://www.w3.org/TR/trace-context/#traceparent-header). A header that
 * does not follow the rules is ignored, as the recommendation asks.
 */

export interface TraceParent {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** The caller's span (the header's parent-id): 16 lowercase hex digits. */
  readonly spanId: string;
}

/** version-traceid-parentid-flags; versions after 00 may append fields after another "-". */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZEROS = /^0+$/;

export function parseTraceParent(header: string | string[] | undefined): TraceParent | undefined {
  if (typeof header !== "string") return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, , rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is invalid; version 00 has exactly four fields; all-zero IDs are invalid.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(spanId)) return undefined;
  return { traceId, spanId };
}
