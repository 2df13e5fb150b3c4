/**
 * The length-prefixed message framing of gRPC and gRPC-Web: a flags byte, a four-byte
 * big-endian length, then the message. Flag 0x01 marks a compressed message; gRPC-Web
 * marks its trailer frame with 0x80.
 */
export const COMPRESSED_FLAG = 0x01;
export const TRAILER_FLAG = 0x80;
export const ENVELOPE_HEADER_BYTES = 5;

export function envelope(flags: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + payload.byteLength);
  frame[0] = flags;
  frame.writeUInt32BE(payload.byteLength, 1);
  frame.set(payload, ENVELOPE_HEADER_BYTES);
  return frame;
}

/** The one message of a unary request body, or why the body is not one. */
export type UnaryEnvelope = { readonly flags: number; readonly payload: Buffer } | { readonly problem: string };

/** Reads a whole unary request body: exactly one envelope, nothing after it. */
export function unaryEnvelope(body: Buffer): UnaryEnvelope {
  if (body.length === 0) return { problem: "the request has no message" };
  if (body.length < ENVELOPE_HEADER_BYTES) return { problem: "the request ends inside a message's length prefix" };
  const length = body.readUInt32BE(1);
  const end = ENVELOPE_HEADER_BYTES + length;
  if (body.length < end) return { problem: `the request ends ${end - body.length} bytes short of its message` };
  if (body.length > end) return { problem: "a unary method takes one request message, and more followed it" };
  return { flags: body[0]!, payload: body.subarray(ENVELOPE_HEADER_BYTES, end) };
}

/** The length a body's first envelope declares, once its prefix has arrived. */
export function declaredLength(head: Buffer): number | undefined {
  return head.length < ENVELOPE_HEADER_BYTES ? undefined : head.readUInt32BE(1);
}
