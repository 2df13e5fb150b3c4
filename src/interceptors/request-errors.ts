/**
 * The ways a request can fail before its method runs, whatever the protocol: each is born
 * here with its ID, and the status mapping names framework-raised errors of the same kind
 * by these same functions.
 */
import { DomainError } from "../errors.js";

/** The request cannot be read as the method's message (bad framing, encoding, JSON, protobuf). */
export function malformedRequest(explanation: string): DomainError {
  return new DomainError("InvalidArgument", "RPC-1nv4l", "Errors.Request.Invalid", explanation);
}

export function requestTooLarge(explanation: string): DomainError {
  return new DomainError("ResourceExhausted", "RPC-T00bg", "Errors.Request.TooLarge", explanation);
}

/** A protocol feature this server does not offer (a compression, a codec). */
export function unsupportedRequest(explanation: string): DomainError {
  return new DomainError("Unimplemented", "RPC-Un1mp", "Errors.Request.Unsupported", explanation);
}

/** A path that names no method this server serves. */
export function unknownMethod(): DomainError {
  // The path is not echoed: it is the client's, and may be as long as a header may be.
  return new DomainError("Unimplemented", "RPC-N0mth", "Errors.Request.UnknownMethod", "this server has no such method");
}

/** A method this server declares (it has a path, a route, reflection) but does not serve. */
export function methodNotServed(path: string): DomainError {
  return new DomainError("Unimplemented", "RPC-N0srv", "Errors.Request.MethodNotServed", `${path} is not served here`);
}

export function deadlineExceeded(explanation: string): DomainError {
  return new DomainError("DeadlineExceeded", "RPC-D34dl", "Errors.Request.DeadlineExceeded", explanation);
}

export function callCanceled(explanation: string): DomainError {
  return new DomainError("Canceled", "RPC-C4ncl", "Errors.Request.Canceled", explanation);
}

/** The framework refused a call for want of credentials it looked for itself. */
export function tokenMissing(explanation: string): DomainError {
  return new DomainError("Unauthenticated", "RPC-Un4th", "Errors.Token.Missing", explanation);
}
