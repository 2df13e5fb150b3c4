/**
 * The domain error: every expected failure is born here, once, with a stable ID that users
 * can search for (ZITADEL's convention, e.g. "Org-3M9od") and a message key. The edge maps
 * it to a google.rpc.Status; nothing below the edge knows about gRPC or HTTP.
 */

/** The failure classes of gRPC, named as such so the edge can map them one to one. */
export type ErrorCode =
  | "InvalidArgument"
  | "FailedPrecondition"
  | "NotFound"
  | "AlreadyExists"
  | "PermissionDenied"
  | "Unauthenticated"
  | "ResourceExhausted"
  | "Aborted"
  | "Unavailable"
  | "DeadlineExceeded"
  | "Unimplemented"
  | "Canceled"
  | "Internal";

export class DomainError extends Error {
  override readonly name = "DomainError";

  /**
   * @param code    the failure class
   * @param id      where the error was raised, stable across releases
   * @param key     the message key, e.g. "Errors.Org.LoginPolicy.NotFound"
   * @param explanation  optional plain words for the caller, appended to the message
   */
  constructor(
    readonly code: ErrorCode,
    readonly id: string,
    readonly key: string,
    readonly explanation?: string,
  ) {
    super(describe(key, id, explanation));
  }
}

/**
 * A refusal whose cause is the operator's to know, not the caller's (an issuer's signing
 * keys that cannot be fetched, say): the caller gets the refusal as any other; the status
 * mapping logs `warning` and `details` with the call's request ID, so that the operator
 * finds which calls it failed and why.
 */
export class NoticedRefusal extends DomainError {
  constructor(
    refusal: DomainError,
    readonly warning: string,
    readonly details: object,
  ) {
    super(refusal.code, refusal.id, refusal.key, refusal.explanation);
  }
}

/** Too many calls: the caller may try again after `retryAfterSeconds`. */
export class RateLimitExceeded extends DomainError {
  constructor(
    id: string,
    key: string,
    explanation: string,
    readonly retryAfterSeconds: number,
  ) {
    super("ResourceExhausted", id, key, explanation);
  }
}

/**
 * The caller's precondition failed: the object is no longer at the version the caller
 * named. It carries the current version's entity tag, which the edge sends back (and over
 * REST makes the answer HTTP's own 412 Precondition Failed).
 */
export class PreconditionFailed extends DomainError {
  constructor(
    id: string,
    key: string,
    explanation: string,
    readonly currentEntityTag: string,
  ) {
    super("FailedPrecondition", id, key, explanation);
  }
}

/** ZITADEL's message format, "<key> (<id>)", with our explanation after a colon. */
function describe(key: string, id: string, explanation?: string): string {
  const base = `${key} (${id})`;
  return explanation ? `${base}: ${explanation}` : base;
}

export function invalidArgument(id: string, key: string, explanation?: string): DomainError {
  return new DomainError("InvalidArgument", id, key, explanation);
}

export function notFound(id: string, key: string, explanation?: string): DomainError {
  return new DomainError("NotFound", id, key, explanation);
}

export function alreadyExists(id: string, key: string, explanation?: string): DomainError {
  return new DomainError("AlreadyExists", id, key, explanation);
}

export function failedPrecondition(id: string, key: string, explanation?: string): DomainError {
  return new DomainError("FailedPrecondition", id, key, explanation);
}

export function permissionDenied(id: string, key: string, explanation?: string): DomainError {
  return new DomainError("PermissionDenied", id, key, explanation);
}

export function unauthenticated(id: string, key: string, explanation?: string): DomainError {
  return new DomainError("Unauthenticated", id, key, explanation);
}

export function unavailable(id: string, key: string, explanation?: string): DomainError {
  return new DomainError("Unavailable", id, key, explanation);
}
