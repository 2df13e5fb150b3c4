/** The refusals of authentication and authorization, each born once with its ID. */
import { invalidArgument, permissionDenied, RateLimitExceeded, unauthenticated, unavailable, type DomainError } from "../errors.js";

export function tokenMissing(): DomainError {
  return unauthenticated("AUTH-x8Bz2", "Errors.Token.Missing", "send the header authorization: Bearer <token>");
}

/** Malformed, unknown, revoked, expired or forged: one key, with a short reason. */
export function tokenInvalid(reason: string): DomainError {
  return unauthenticated("AUTH-7fs1e", "Errors.Token.Invalid", reason);
}

export function credentialsRepeated(count: number): DomainError {
  return unauthenticated("AUTH-Tw0h3", "Errors.Token.Repeated", `send one authorization header, not ${count}`);
}

export function signingKeysUnavailable(): DomainError {
  return unavailable("AUTH-Jwks5", "Errors.Token.KeysUnavailable", "the token issuer's signing keys cannot be fetched; try again");
}

/** One answer for every refusal, so that it tells nothing about which organizations exist. */
export function permissionDeniedError(): DomainError {
  return permissionDenied("AUTH-5mWD2", "Errors.Permission.Denied", "no matching permissions found");
}

export function organizationMissing(): DomainError {
  return invalidArgument(
    "AUTH-0rgM1",
    "Errors.Org.Missing",
    "the caller belongs to no organization here; name one with the x-zitadel-orgid header",
  );
}

/** Too many calls; `waitSeconds` is how long until the next one would be admitted. */
export function rateLimited(waitSeconds: number, reason: string): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitSeconds));
  return new RateLimitExceeded("AUTH-R4t3l", "Errors.RateLimit.Exceeded", `${reason}; try again in ${retryAfterSeconds} s`, retryAfterSeconds);
}
