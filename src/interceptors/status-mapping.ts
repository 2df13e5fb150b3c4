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
import { ENTITY_TAG_HEADER } from "../api/policy-headers.js";
import { DomainError, NoticedRefusal, PreconditionFailed, RateLimitExceeded } from "../errors.js";
import { StoreUnavailable } from "../eventstore/store.js";
import { callLine, type CallContext } from "../call-context/call-context.js";
import type { Logger } from "../logger.js";
import {
  callCanceled,
  deadlineExceeded,
  malformedRequest,
  requestTooLarge,
  tokenMissing,
  unsupportedRequest,
} from "./request-errors.js";

/** How errors the framework raises itself (on the streaming methods it serves) are named, by code. */
const frameworkErrors: Partial<Record<Code, (message: string) => DomainError>> = {
  [Code.InvalidArgument]: malformedRequest,
  [Code.ResourceExhausted]: requestTooLarge,
  [Code.Unimplemented]: unsupportedRequest,
  [Code.DeadlineExceeded]: deadlineExceeded,
  [Code.Canceled]: callCanceled,
  [Code.Unauthenticated]: tokenMissing,
};

/** `context`: the call that failed, whose request ID and caller the lines it logs name. */
export type StatusMapper = (error: unknown, context?: CallContext) => ConnectError;

export function createStatusMapper(logger: Logger): StatusMapper {
  function internal(cause: unknown, context: CallContext | undefined): ConnectError {
    const errorId = randomUUID();
    logger.error(callLine(context, { errorId, err: cause }), "internal error");
    return fromDomain(
      new DomainError("Internal", errorId, "Errors.Internal", "an unexpected error occurred; quote this ID when reporting it"),
    );
  }

  return function toStatus(error: unknown, context?: CallContext): ConnectError {
    if (error instanceof NoticedRefusal) logger.warn(callLine(context, error.details), error.warning);
    if (error instanceof DomainError) return error.code === "Internal" ? internal(error, context) : fromDomain(error);
    if (error instanceof StoreUnavailable) {
      // Expected while the database is away: the reason is enough, a stack would be noise.
      logger.warn(callLine(context, { reason: error.message }), "database unavailable");
      return fromDomain(
        new DomainError("Unavailable", "STORE-Unav1", "Errors.Storage.Unavailable", "the database cannot be reached; try again"),
      );
    }
    if (error instanceof ConnectError) {
      if (hasErrorDetail(error)) return error;
      const named = frameworkErrors[error.code];
      if (named) return fromDomain(named(error.rawMessage));
    }
    return internal(error, context);
  };
}

function fromDomain(error: DomainError): ConnectError {
  return new ConnectError(error.message, Code[error.code], metadataOf(error), [
    // A failed precondition's detail names the current version (its message says it), so
    // that a client that reads only the detail learns what to read again.
    { desc: ErrorDetailSchema, value: { id: error.id, message: error instanceof PreconditionFailed ? error.message : error.key } },
  ]);
}

/** The headers some failures answer with, in HTTP's words, for every protocol alike. */
function metadataOf(error: DomainError): Record<string, string> | undefined {
  // When to come back (RFC 9110, 10.2.3).
  if (error instanceof RateLimitExceeded) return { "retry-after": String(error.retryAfterSeconds) };
  // The version the object is at now (RFC 9110, 8.8.3).
  if (error instanceof PreconditionFailed) return { [ENTITY_TAG_HEADER]: error.currentEntityTag };
  return undefined;
}

function hasErrorDetail(error: ConnectError): boolean {
  return error.details.some((detail) =>
    "desc" in detail ? detail.desc.typeName === ErrorDetailSchema.typeName : detail.type === ErrorDetailSchema.typeName,
  );
}
