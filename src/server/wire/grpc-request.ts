/**
 * The request message of a call that sends one, from its whole body: unary gRPC and
 * gRPC-Web, and server-streaming calls of every protocol (one enveloped message).
 */
import { fromBinary, fromJsonString, type DescMessage, type Message } from "@bufbuild/protobuf";
import { malformedRequest } from "../../interceptors/request-errors.js";
import { decodeUtf8 } from "../utf8-text.js";
import { COMPRESSED_FLAG, unaryEnvelope } from "./envelope.js";
import { gunzipRequest } from "./gzip.js";

/**
 * @param gzipped  whether the request named gzip as its grpc-encoding
 * @param maxBytes the most a compressed message may inflate to
 */
export async function grpcRequestMessage(
  schema: DescMessage,
  body: Buffer,
  gzipped: boolean,
  maxBytes: number,
  decode: (schema: DescMessage, payload: Uint8Array) => Message = binaryMessage,
): Promise<Message> {
  const frame = unaryEnvelope(body);
  if ("problem" in frame) throw malformedRequest(frame.problem);
  let payload: Uint8Array = frame.payload;
  if (frame.flags & COMPRESSED_FLAG) {
    if (!gzipped) throw malformedRequest("a message is flagged compressed, but the request names no encoding");
    payload = await gunzipRequest(payload, maxBytes);
  }
  return decode(schema, payload);
}

export function binaryMessage(schema: DescMessage, payload: Uint8Array): Message {
  try {
    return fromBinary(schema, payload);
  } catch (error) {
    throw malformedRequest(`the request is not a ${schema.typeName}: ${(error as Error).message}`);
  }
}

/** Protobuf's JSON rules: a field the message does not have is an error, not ignored. */
const JSON_READ = { ignoreUnknownFields: false };

export function jsonMessage(schema: DescMessage, payload: Uint8Array): Message {
  const text = decodeUtf8(payload);
  try {
    return fromJsonString(schema, text, JSON_READ);
  } catch (error) {
    throw malformedRequest(`the request is not a ${schema.typeName} in JSON: ${(error as Error).message}`);
  }
}
