/** Why a token is not accepted, each refusal born once with its ID. */
import { unauthenticated, unavailable, type DomainError } from "../errors.js";

/** Malformed, unknown, revoked, expired or forged: one key, with a short reason. */
export function tokenInvalid(reason: string): DomainError {
  return unauthenticated("AUTH-7fs1e", "Errors.Token.Invalid", reason);
}

export function signingKeysUnavailable(): DomainError {
  return unavailable("AUTH-Jwks5", "Errors.Token.KeysUnavailable", "the token issuer's signing keys cannot be fetched; try again");
}
