/**
 * Requests written byte by byte, for what typed clients cannot send: malformed bodies.
 * Responses are decoded by hand, including google.rpc.Status and zitadel.v1.ErrorDetail.
 */
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { fileURLToPath } from "node:url";

const PROTO_DIR = fileURLToPath(new URL("../../proto", import.meta.url));
const root = protobuf.loadSync(["google/rpc/status.proto", "zitadel/v1/message.proto"].map((f) => `${PROTO_DIR}/${f}`));
const StatusType = root.lookupType("google.rpc.Status");
const ErrorDetailType = root.lookupType("zitadel.v1.ErrorDetail");

export interface RawStatus {
  code: number;
  message: string;
  details: { id: string; message: string }[];
}

/** Decodes a grpc-status-details-bin value into its code, message and ErrorDetails. */
export function decodeStatusDetails(value: Buffer | string): RawStatus {
  const bytes = typeof value === "string" ? Buffer.from(value, "base64") : value;
  const status = StatusType.decode(bytes) as unknown as {
    code: number;
    message: string;
    details: { type_url: string; value: Uint8Array }[];
  };
  return {
    code: status.code,
    message: status.message,
    details: status.details
      .filter((any) => any.type_url === "type.googleapis.com/zitadel.v1.ErrorDetail")
      .map((any) => ErrorDetailType.decode(any.value) as unknown as { id: string; message: string }),
  };
}

export function envelope(flags: number, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(flags, 0);
  header.writeUInt32BE(payload.byteLength, 1);
  return Buffer.concat([header, payload]);
}

/** A gRPC call whose request body is the given bytes, through @grpc/grpc-js. */
export function grpcRaw(address: string, path: string, body: Buffer): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      () => body,
      (bytes: Buffer) => bytes,
      null,
      new grpc.Metadata(),
      (error) => {
        client.close();
        resolve(error);
      },
    );
  });
}

/** A gRPC-Web call over HTTP/1.1 with the given message bytes; returns the parsed trailer. */
export async function grpcWebRaw(baseUrl: string, path: string, message: Uint8Array): Promise<Map<string, string>> {
  const response = await fetch(baseUrl + path, {
    method: "POST",
    headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
    body: envelope(0, message),
  });
  const body = Buffer.from(await response.arrayBuffer());
  const trailer = new Map<string, string>();
  for (let offset = 0; offset < body.length; ) {
    const flags = body.readUInt8(offset);
    const length = body.readUInt32BE(offset + 1);
    const data = body.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;
    if (flags & 0x80) {
      for (const line of data.toString().split("\r\n").filter(Boolean)) {
        const colon = line.indexOf(":");
        trailer.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
  }
  return trailer;
}
