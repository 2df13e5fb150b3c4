/**
 * Each protocol writes a call's final status in its own place (gRPC trailers, the gRPC-Web
 * trailer frame, the Connect error body or end-of-stream frame). Its finalizer finds that
 * status when it is written, hands it to `settle` once, and writes what `settle` returns
 * in its place: the same error, or one mapped to carry a zitadel.v1.ErrorDetail.
 */
import { compressionBrotli, compressionGzip } from "@connectrpc/connect-node";
import type { Compression } from "@connectrpc/connect/protocol";
import { Code, ConnectError } from "@connectrpc/connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";

/** Receives the final error (undefined on success); returns the error to write instead. */
export type Settle = (error: ConnectError | undefined) => ConnectError | undefined;

/** The status headers a finalizer replaces when it writes a mapped error. */
const STATUS_HEADERS = ["grpc-status", "grpc-message", "grpc-status-details-bin"] as const;

/**
 * Writes a call's final error into gRPC trailers (HTTP/2 trailers, or gRPC-Web's trailer
 * frame). `found` is the error the trailers already hold, if the final one is that error.
 */
export function writeGrpcStatus(trailer: Headers, final: ConnectError, found: ConnectError | undefined): Headers {
  if (final !== found) {
    for (const name of STATUS_HEADERS) trailer.delete(name);
    setTrailerStatus(trailer, final);
  }
  // connect escapes the message with encodeURIComponent; gRPC asks only for bytes outside
  // printable ASCII, and "%", to be escaped, and @grpc/grpc-js unescapes no more than that
  // (its users would read ":" as "%3A").
  trailer.set("grpc-message", grpcPercentEncoded(final.rawMessage));
  return trailer;
}

function grpcPercentEncoded(message: string): string {
  let encoded = "";
  for (const byte of new TextEncoder().encode(message)) {
    const printable = byte >= 0x20 && byte <= 0x7e && byte !== 0x25;
    encoded += printable ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

/** The compression a response uses, by its encoding header's value. */
export function compressionNamed(name: string | null): Compression | undefined {
  return [compressionGzip, compressionBrotli].find((c) => c.name === name);
}

/**
 * Runs `onEnd` once the body has been drained; when a client went away before that, settles
 * the call as Canceled instead, whatever status the handler had meant to send.
 */
export async function* withEnd(body: AsyncIterable<Uint8Array>, settle: Settle, onEnd: () => void): AsyncIterable<Uint8Array> {
  let drained = false;
  try {
    yield* body;
    drained = true;
  } finally {
    if (drained) onEnd();
    else settle(new ConnectError("the client went away before the response was sent", Code.Canceled));
  }
}
