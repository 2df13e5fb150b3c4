/**
 * How a failure is answered over REST: grpc-gateway's body, the google.rpc.Status as proto3
 * JSON with its details as google.protobuf.Any,
 *
 *     {"code": 6, "message": "Errors.Org.LoginPolicy.MFA.AlreadyExists (Org-3M9od)",
 *      "details": [{"@type": "type.googleapis.com/zitadel.v1.ErrorDetail", "id": "Org-3M9od", ...}]}
 *
 * with grpc-gateway's HTTP status for the code, and the Bearer challenge of RFC 6750 on 401.
 * The error has already been through the status mapping: this only writes it down.
 */
import { create, createRegistry, toJson, type JsonObject } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectError } from "@connectrpc/connect";
import { StatusSchema } from "../../../gen/google/rpc/status_pb.js";
import { ErrorDetailSchema, type ErrorDetail } from "../../../gen/zitadel/v1/message_pb.js";
import { ENTITY_TAG_HEADER } from "../../api/policy-headers.js";
import { connectHttpStatus } from "../wire/connect-error.js";
import type { RestResponse } from "./rest-response.js";

/**
 * grpc-gateway's runtime.HTTPStatusFromCode, which the README's table of HTTP statuses
 * follows: the Connect protocol's table but for a cancelled call, which grpc-gateway answers
 * 408 where Connect says 499. FailedPrecondition stays 400, not 412 Precondition Failed,
 * which is about HTTP's own conditional headers (see httpStatusOf).
 */
function gatewayStatus(code: Code): number {
  return code === Code.Canceled ? 408 : connectHttpStatus(code);
}

/** The detail type the status mapping attaches to every error, for spelling out its Any. */
const detailTypes = createRegistry(ErrorDetailSchema);

/** Names this service in the Bearer challenge. */
const REALM = "lps";

export interface RestErrorOptions {
  /** The request's authorization header, which decides the Bearer challenge of a 401. */
  readonly authorization?: string;
  /** Overrides the code's HTTP status (a wrong method is Unimplemented, but 405). */
  readonly httpStatus?: number;
  readonly headers?: Record<string, string>;
}

export function restError(error: ConnectError, options: RestErrorOptions = {}): RestResponse {
  const details = error.findDetails(ErrorDetailSchema);
  const status = create(StatusSchema, {
    code: error.code,
    message: error.rawMessage,
    details: details.map((detail) => anyPack(ErrorDetailSchema, detail)),
  });
  // The error's metadata (retry-after, the current entity tag) is HTTP headers already.
  const headers: Record<string, string> = { "content-type": "application/json" };
  error.metadata.forEach((value, name) => (headers[name] = value));
  Object.assign(headers, options.headers);
  if (error.code === Code.Unauthenticated) headers["www-authenticate"] = bearerChallenge(details[0], options.authorization);
  return {
    status: options.httpStatus ?? httpStatusOf(error),
    headers,
    body: JSON.stringify(typeFirst(toJson(StatusSchema, status, { registry: detailTypes }) as JsonObject)),
  };
}

/**
 * A FailedPrecondition that answers with the current entity tag failed the request's own
 * If-Match: that is HTTP's 412 Precondition Failed (RFC 9110, 13.1.1). Every other
 * FailedPrecondition is about the request's content, and stays 400 as in grpc-gateway.
 */
function httpStatusOf(error: ConnectError): number {
  if (error.code === Code.FailedPrecondition && error.metadata.has(ENTITY_TAG_HEADER)) return 412;
  return gatewayStatus(error.code);
}

/**
 * RFC 6750, section 3: a request without credentials gets the bare challenge; one whose
 * bearer token was refused learns that the token is the problem; one that sent some other
 * kind of credentials learns that the request is.
 */
function bearerChallenge(detail: ErrorDetail | undefined, authorization: string | undefined): string {
  const challenge = `Bearer realm="${REALM}"`;
  if (authorization === undefined) return challenge;
  if (!/^bearer /i.test(authorization)) return `${challenge}, error="invalid_request"`;
  // error_description is a quoted string of printable ASCII without quotes or backslashes.
  const description = detail?.message.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "");
  return `${challenge}, error="invalid_token"${description ? `, error_description="${description}"` : ""}`;
}

/** Puts each detail's "@type" first, where readers look for it (JSON itself does not care). */
function typeFirst(status: JsonObject): JsonObject {
  const details = (status.details ?? []) as JsonObject[];
  return { ...status, details: details.map(({ "@type": type, ...fields }) => ({ "@type": type!, ...fields })) };
}
