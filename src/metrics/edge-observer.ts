/**
 * What the service's edge reports about the traffic it serves: calls, connections and
 * streams, and requests refused by a limit. The edge calls these at the moments named
 * here and knows nothing of how they are counted (see ServiceMetrics).
 */

/** A call's method and how it arrived; every value comes from a fixed set. */
export interface CallLabels {
  /** The full service name, e.g. "zitadel.admin.v1.AdminService"; "unknown" for a path nothing serves. */
  readonly service: string;
  /** The method name, e.g. "GetLoginPolicy"; "unknown" for a path nothing serves. */
  readonly method: string;
  /** "grpc", "grpc-web", "connect", "connect-stream", "rest" or, for unknown paths, "http". */
  readonly protocol: string;
}

/** Ends a call with its final code: a gRPC code name ("OK", "NotFound") or "HTTP <status>". */
export type EndCall = (code: string) => void;

/** Names an unknown path's service and method: one value, whatever the path. */
export const UNKNOWN = "unknown";

export interface CallObserver {
  /** A call began. The returned function ends it; only its first use counts. */
  callStarted(call: CallLabels): EndCall;
}

/** HTTP versions a connection speaks. */
export type HttpVersion = "1.1" | "2";

export interface ConnectionObserver {
  /** A connection opened; the returned function is called once it closed. */
  connectionOpened(version: HttpVersion): () => void;
  /** An HTTP/2 stream opened; the returned function is called once it closed. */
  streamOpened(): () => void;
}

/** Limits that refuse requests: each value names one. */
export type Limit =
  | "request_size"
  | "rate"
  | "auth_failures"
  | "concurrent_streams"
  | "streaming_calls"
  | "watchers"
  | "connections"
  | "connections_per_address"
  | "resets"
  | "connection_bytes"
  | "pipelined_requests";

export interface LimitObserver {
  /** A request (or connection) was refused because it would exceed the limit. */
  refused(limit: Limit): void;
}
