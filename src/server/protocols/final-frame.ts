/**
 * gRPC-Web and Connect streaming end an enveloped body with a frame marked by a flag (the
 * trailer, the end-of-stream message). This rewrites that frame; the transport yields one
 * envelope per chunk, so the frame is always whole.
 */
import { compressedFlag, encodeEnvelope, type Compression } from "@connectrpc/connect/protocol";

/** Final frames carry a status and a little metadata; anything larger is not one of ours. */
const MAX_FINAL_FRAME_BYTES = 1024 * 1024;

export async function* rewriteFinalFrame(
  body: AsyncIterable<Uint8Array>,
  flag: number,
  compression: Compression | undefined,
  rewrite: (data: Uint8Array) => Uint8Array,
  onMissing: () => void,
): AsyncIterable<Uint8Array> {
  let seen = false;
  try {
    for await (const chunk of body) {
      const flags = chunk[0] ?? 0;
      if (chunk.byteLength < 5 || (flags & flag) !== flag) {
        yield chunk;
        continue;
      }
      seen = true;
      let data = chunk.subarray(5);
      if ((flags & compressedFlag) === compressedFlag && compression) {
        data = await compression.decompress(data, MAX_FINAL_FRAME_BYTES);
      }
      // Written back uncompressed: each frame says for itself whether it is compressed.
      yield encodeEnvelope(flag, rewrite(data));
    }
  } finally {
    if (!seen) onMissing();
  }
}
