/**
 * What went wrong with a call, as the server said it: its code, its message and the error
 * ID of the zitadel.v1.ErrorDetail the service attaches to every error (the ID is what its
 * log and its documentation are searched by).
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";

export interface Failure {
  /** The status code's name, e.g. "PermissionDenied". */
  readonly code: string;
  readonly message: string;
  readonly errorId?: string;
}

export function failureOf(reason: unknown): Failure {
  const error = ConnectError.from(reason);
  const detail = error.findDetails(ErrorDetailSchema)[0];
  return { code: Code[error.code] ?? String(error.code), message: detail?.message || error.rawMessage, errorId: detail?.id || undefined };
}

export function isPermissionDenied(failure: Failure): boolean {
  return failure.code === Code[Code.PermissionDenied];
}

export function isUnauthenticated(failure: Failure): boolean {
  return failure.code === Code[Code.Unauthenticated];
}

/** One line for a reason shown next to a disabled control. */
export function describeFailure(failure: Failure): string {
  return failure.errorId ? `${failure.message} (${failure.errorId})` : failure.message;
}
