/**
 * gRPC, gRPC-Web and Connect's streaming protocol frame each message in an envelope: one
 * flags byte, the message's length as four bytes (big-endian), then the message. This
 * follows the envelopes of a request body as it streams by, without buffering it, and shows
 * each message's flags and bytes to a visitor, which may refuse them by throwing.
 */
import { keptOpen } from "./request-body.js";

export interface EnvelopeVisitor {
  /** A message begins with these flags. */
  start(flags: number): void;
  /** The next bytes of the message (a message may span chunks). */
  bytes(segment: Uint8Array): void;
  /** The message has ended. */
  end(): void;
}

const PREFIX_BYTES = 5;

/**
 * The body as it is, chunk for chunk, shown to the visitor on the way. A length that lies
 * only moves where the next envelope is looked for; the protocol's own reader refuses it.
 */
export async function* visitEnvelopes(body: AsyncIterable<Uint8Array>, visitor: EnvelopeVisitor): AsyncIterable<Uint8Array> {
  let payloadLeft = 0;
  let prefixRead = 0;
  let length = 0;
  for await (const chunk of keptOpen(body)) {
    for (let i = 0; i < chunk.length; ) {
      if (payloadLeft > 0) {
        const taken = Math.min(payloadLeft, chunk.length - i);
        visitor.bytes(chunk.subarray(i, i + taken));
        payloadLeft -= taken;
        i += taken;
        if (payloadLeft === 0) visitor.end();
        continue;
      }
      const byte = chunk[i++]!;
      if (prefixRead === 0) visitor.start(byte);
      else length = length * 256 + byte;
      if (++prefixRead === PREFIX_BYTES) {
        payloadLeft = length;
        prefixRead = 0;
        length = 0;
        if (payloadLeft === 0) visitor.end();
      }
    }
    yield chunk;
  }
}
