/**
 * A call's status as gRPC and gRPC-Web write it: grpc-status, grpc-message and
 * grpc-status-details-bin (a google.rpc.Status holding the error's details), plus the
 * error's own metadata.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import type { ConnectError } from "@connectrpc/connect";
import { StatusSchema } from "../../../gen/google/rpc/status_pb.js";

const TYPE_URL_PREFIX = "type.googleapis.com/";

/** The status fields of an error, by lower-case header name. */
export function grpcStatusFields(error: ConnectError): Record<string, string> {
  const fields: Record<string, string> = {};
  error.metadata.forEach((value, name) => (fields[name] = value));
  fields["grpc-status"] = String(error.code);
  fields["grpc-message"] = grpcPercentEncoded(error.rawMessage);
  fields["grpc-status-details-bin"] = Buffer.from(toBinary(StatusSchema, statusOf(error))).toString("base64");
  return fields;
}

function statusOf(error: ConnectError) {
  const details = error.details.map((detail) =>
    "desc" in detail
      ? { typeUrl: TYPE_URL_PREFIX + detail.desc.typeName, value: toBinary(detail.desc, create(detail.desc, detail.value)) }
      : { typeUrl: TYPE_URL_PREFIX + detail.type, value: detail.value },
  );
  return create(StatusSchema, { code: error.code, message: error.rawMessage, details });
}

/** Printable ASCII but "%": what grpc-message may carry as it is. */
const PLAIN = /^[\x20-\x24\x26-\x7e]*$/;

/**
 * gRPC asks for bytes outside printable ASCII, and "%", to be percent-encoded, and clients
 * (@grpc/grpc-js among them) decode no more than that: a ":" written as "%3A" would reach
 * their users as "%3A".
 */
export function grpcPercentEncoded(message: string): string {
  if (PLAIN.test(message)) return message;
  let encoded = "";
  for (const byte of Buffer.from(message, "utf8")) {
    const printable = byte >= 0x20 && byte <= 0x7e && byte !== 0x25;
    encoded += printable ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}
