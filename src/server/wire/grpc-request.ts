/** The request message of a unary gRPC or gRPC-Web call, from its whole body. */
import { fromBinary, type DescMessage, type Message } from "@bufbuild/protobuf";
import { malformedRequest } from "../../interceptors/request-errors.js";
import { COMPRESSED_FLAG, unaryEnvelope } from "./envelope.js";
import { gunzipRequest } from "./gzip.js";

/**
 * @param gzipped  whether the request named gzip as its grpc-encoding
 * @param maxBytes the most a compressed message may inflate to
 */
export async function grpcRequestMessage(schema: DescMessage, body: Buffer, gzipped: boolean, maxBytes: number): Promise<Message> {
  const frame = unaryEnvelope(body);
  if ("problem" in frame) throw malformedRequest(frame.problem);
  let payload: Uint8Array = frame.payload;
  if (frame.flags & COMPRESSED_FLAG) {
    if (!gzipped) throw malformedRequest("a message is flagged compressed, but the request names no encoding");
    payload = await gunzipRequest(payload, maxBytes);
  }
  return binaryMessage(schema, payload);
}

export function binaryMessage(schema: DescMessage, payload: Uint8Array): Message {
  try {
    return fromBinary(schema, payload);
  } catch (error) {
    throw malformedRequest(`the request is not a ${schema.typeName}: ${(error as Error).message}`);
  }
}
