/**
 * What the interoperability suite asks of each independent client: the same few scenarios,
 * run by @grpc/grpc-js, connect-node's gRPC transport and the gRPC C-core alike, with
 * outcomes in one shape so that one suite can judge them all.
 */
import type { RawStatus } from "../support/raw-rpc.js";

/** One unary call. */
export interface CallSpec {
  /** "/package.Service/Method"; a method the protos lack is sent an empty message. */
  readonly path: string;
  /** The request message in proto3 JSON (lowerCamelCase names, enums by name). */
  readonly request?: Record<string, unknown>;
  /** Instead of `request`: a message of exactly this many bytes (see paddedMessage). */
  readonly paddingBytes?: number;
  /** Request metadata. */
  readonly headers?: Record<string, string>;
  /** The call's deadline, from when it starts. */
  readonly timeoutMs?: number;
  /** Sends the request message gzip-compressed (grpc-encoding: gzip). */
  readonly gzip?: boolean;
}

/** How a call ended, as the client reports it. */
export interface Outcome {
  /** The gRPC status code (0 is OK). */
  readonly code: number;
  readonly message: string;
  /** The response message in proto3 JSON, for a known method that succeeded. */
  readonly response?: Record<string, any>;
  /** google.rpc.Status decoded from grpc-status-details-bin, if the status carried one. */
  readonly status?: RawStatus;
}

export interface WatchCancelled {
  /** The first message of health Watch for the whole server ("SERVING"). */
  readonly first: string;
  /** The code the client reports for the call it cancelled. */
  readonly code: number;
  /** A call made after it, on the same connection. */
  readonly after: Outcome;
}

/**
 * Each scenario opens its own connection (one channel, one HTTP/2 connection) to the
 * target ("127.0.0.1:port") and closes it when done.
 */
export interface InteropClient {
  /** The calls, one after another. */
  calls(specs: readonly CallSpec[]): Promise<Outcome[]>;
  /** The call made `count` times at once on one connection. */
  concurrent(spec: CallSpec, count: number): Promise<Outcome[]>;
  /**
   * The call, then `idleMs` without calls on a connection whose client sends keepalive
   * pings every `keepaliveMs` even without calls in flight, then the call again.
   */
  idle(spec: CallSpec, idleMs: number, keepaliveMs: number): Promise<Outcome[]>;
  /** Health Watch for the whole server, cancelled after its first message, then `after`. */
  watchCancelled(after: CallSpec, timeoutMs: number): Promise<WatchCancelled>;
}

/** The unknown field every padded message carries; no request message declares it. */
const PADDING_FIELD = 15;

function varint(value: number): number[] {
  const bytes: number[] = [];
  for (; value > 0x7f; value = Math.floor(value / 128)) bytes.push((value & 0x7f) | 0x80);
  bytes.push(value);
  return bytes;
}

/**
 * A valid encoding of any request message, exactly `size` bytes long: one length-delimited
 * field that the message does not declare, which parsers keep as an unknown field.
 */
export function paddedMessage(size: number): Uint8Array {
  for (let lengthBytes = 1; lengthBytes <= 5; lengthBytes++) {
    const payload = size - 1 - lengthBytes;
    if (payload >= 0 && varint(payload).length === lengthBytes) {
      const message = new Uint8Array(size).fill("a".charCodeAt(0));
      message.set([(PADDING_FIELD << 3) | 2, ...varint(payload)]);
      return message;
    }
  }
  throw new Error(`no message is ${size} bytes long`);
}
