/**
 * Envelope flag 0x01 says a message is compressed with the encoding the request's headers
 * name. A request that names none, yet flags a message compressed, is malformed:
 * InvalidArgument (connect-node would answer Internal, as if the fault were ours).
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { visitEnvelopes } from "./envelopes.js";

const COMPRESSED = 0x01;

/** The enveloped body as it is, failing at the first message flagged compressed. */
export function refusingCompressedFlag(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return visitEnvelopes(body, {
    start(flags) {
      if ((flags & COMPRESSED) === COMPRESSED) {
        throw new ConnectError("a message is flagged compressed, but the request names no encoding", Code.InvalidArgument);
      }
    },
    bytes() {},
    end() {},
  });
}
