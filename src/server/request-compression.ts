/**
 * The compressions a request body may use (gzip and brotli, by Node's zlib). A body that
 * does not decompress (truncated, corrupt, not what its encoding says) is the caller's bad
 * input, InvalidArgument, whatever zlib called the failure: connect-node calls some of them
 * Internal, which is ours to answer only for faults of ours.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip } from "@connectrpc/connect-node";
import type { Compression } from "@connectrpc/connect/protocol";
import { keptOpen } from "./request-body.js";

function refusingBadInput(compression: Compression): Compression {
  return {
    name: compression.name,
    compress: (bytes) => compression.compress(bytes),
    async decompress(bytes, readMaxBytes) {
      try {
        return await compression.decompress(bytes, readMaxBytes);
      } catch (reason) {
        const error = ConnectError.from(reason);
        // Too large once decompressed stays ResourceExhausted.
        if (error.code !== Code.Internal) throw error;
        throw new ConnectError(`the body is not valid ${compression.name}`, Code.InvalidArgument, undefined, undefined, reason);
      }
    },
  };
}

export const REQUEST_COMPRESSIONS: readonly Compression[] = [compressionGzip, compressionBrotli].map(refusingBadInput);

/** The compression a request names by its encoding header's value, if it is one of ours. */
export function requestCompressionNamed(name: string | null): Compression | undefined {
  return REQUEST_COMPRESSIONS.find((compression) => compression.name === name);
}

/**
 * A whole compressed body (a Connect unary request's), decompressed: read to its end, at
 * most `maxBytes` before and after decompression, and yielded as one chunk. Decompressing
 * before the RPC framework does lets the plain text be checked on its way in; the request's
 * encoding header must then be dropped.
 */
export async function* decompressedBody(
  body: AsyncIterable<Uint8Array>,
  compression: Compression,
  maxBytes: number,
): AsyncIterable<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of keptOpen(body)) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ConnectError(`the body is larger than ${maxBytes} bytes`, Code.ResourceExhausted);
    chunks.push(chunk);
  }
  yield await compression.decompress(Buffer.concat(chunks), maxBytes);
}
