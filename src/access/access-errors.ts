/** The refusals of authentication and authorization, each born once with its ID (a token's own refusals are in identity/token-errors.ts). */
import { invalidArgument, permissionDenied, RateLimitExceeded, unauthenticated, type DomainError } from "../errors.js";

export function tokenMissing(): DomainError {
  return unauthenticated("AUTH-x8Bz2", "Errors.Token.Missing", "send the header authorization: Bearer <token>");
}

export function credentialsRepeated(count: number): DomainError {
  return unauthenticated("AUTH-Tw0h3", "Errors.Token.Repeated", `send one authorization header, not ${count}`);
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
