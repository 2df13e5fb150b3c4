/**
 * How the Connect protocol writes a unary call's error: an HTTP status for the code, and a
 * JSON body with the code's name, the message and the details (each as its type name, its
 * binary value in unpadded base64, and its JSON for people reading it).
 */
import { create, toBinary, toJson, type JsonObject } from "@bufbuild/protobuf";
import { Code, type ConnectError } from "@connectrpc/connect";

/** The Connect protocol's table (connectrpc.com/docs/protocol#error-codes). */
const HTTP_STATUS: Record<Code, number> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

export function connectHttpStatus(code: Code): number {
  return HTTP_STATUS[code];
}

/** "InvalidArgument" as the protocol spells it: "invalid_argument". */
export function connectCodeName(code: Code): string {
  return Code[code].replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase();
}

export function connectErrorBody(error: ConnectError): string {
  const body: JsonObject = { code: connectCodeName(error.code) };
  if (error.rawMessage) body.message = error.rawMessage;
  if (error.details.length) {
    body.details = error.details.map((detail) => {
      if (!("desc" in detail)) return { type: detail.type, value: unpadded(detail.value), ...(detail.debug ? { debug: detail.debug } : {}) };
      const message = create(detail.desc, detail.value);
      return { type: detail.desc.typeName, value: unpadded(toBinary(detail.desc, message)), debug: toJson(detail.desc, message) };
    });
  }
  return JSON.stringify(body);
}

function unpadded(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64").replace(/=+$/, "");
}
