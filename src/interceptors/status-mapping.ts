/**
 * The one mapping from any failure to what callers see: a ConnectError (a google.rpc.Status
 * on the wire) carrying exactly one zitadel.v1.ErrorDetail. Domain errors keep their ID and
 * key; errors raised by the RPC framework itself (a body that does not parse, a message too
 * large) get an ID of ours; anything unexpected becomes Internal with a generic message and
 * a fresh error ID, and is logged with that ID. No stack, SQL or path reaches a caller.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { randomUUID } from "node:crypto";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { DomainError, RateLimitExceeded, type ErrorCode } from "../errors.js";
import { StoreUnavailable } from "../eventstore/store.js";
import type { Logger } from "../logger.js";

/** How framework-raised errors are named, by code; the framework's text explains them. */
const frameworkErrors: Partial<Record<Code, [id: string, key: string]>> = {
  [Code.InvalidArgument]: ["RPC-1nv4l", "Errors.Request.Invalid"],
  [Code.ResourceExhausted]: ["RPC-T00bg", "Errors.Request.TooLarge"],
  [Code.Unimplemented]: ["RPC-Un1mp", "Errors.Request.Unsupported"],
  [Code.DeadlineExceeded]: ["RPC-D34dl", "Errors.Request.DeadlineExceeded"],
  [Code.Canceled]: ["RPC-C4ncl", "Errors.Request.Canceled"],
  [Code.Unauthenticated]: ["RPC-Un4th", "Errors.Token.Missing"],
};

export type StatusMapper = (error: unknown) => ConnectError;

export function createStatusMapper(logger: Logger): StatusMapper {
  function internal(cause: unknown): ConnectError {
    const errorId = randomUUID();
    logger.error({ errorId, err: cause }, "internal error");
    return fromDomain(
      new DomainError("Internal", errorId, "Errors.Internal", "an unexpected error occurred; quote this ID when reporting it"),
    );
  }

  return function toStatus(error: unknown): ConnectError {
    if (error instanceof DomainError) return error.code === "Internal" ? internal(error) : fromDomain(error);
    if (error instanceof StoreUnavailable) {
      // Expected while the database is away: the reason is enough, a stack would be noise.
      logger.warn({ reason: error.message }, "database unavailable");
      return fromDomain(
        new DomainError("Unavailable", "STORE-Unav1", "Errors.Storage.Unavailable", "the database cannot be reached; try again"),
      );
    }
    if (error instanceof ConnectError) {
      if (hasErrorDetail(error)) return error;
      // A protobuf body that does not parse is the caller's mistake, not ours.
      if (error.code === Code.Internal && error.rawMessage.startsWith("parse binary")) {
        return fromFramework(Code.InvalidArgument, error.rawMessage);
      }
      if (frameworkErrors[error.code]) return fromFramework(error.code, error.rawMessage);
    }
    return internal(error);
  };
}

function fromFramework(code: Code, message: string): ConnectError {
  const [id, key] = frameworkErrors[code]!;
  return fromDomain(new DomainError(Code[code] as ErrorCode, id, key, message));
}

function fromDomain(error: DomainError): ConnectError {
  // HTTP's way of saying when to come back (RFC 9110, 10.2.3), for every protocol alike.
  const metadata = error instanceof RateLimitExceeded ? { "retry-after": String(error.retryAfterSeconds) } : undefined;
  return new ConnectError(error.message, Code[error.code], metadata, [
    { desc: ErrorDetailSchema, value: { id: error.id, message: error.key } },
  ]);
}

function hasErrorDetail(error: ConnectError): boolean {
  return error.details.some((detail) =>
    "desc" in detail ? detail.desc.typeName === ErrorDetailSchema.typeName : detail.type === ErrorDetailSchema.typeName,
  );
}
