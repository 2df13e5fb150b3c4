/**
 * Access tokens from an external OpenID Connect issuer: signature checked against the
 * issuer's keys, and issuer, audience, expiry and algorithm checked. The token's `sub` is
 * the user ID that memberships name.
 */
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { signingKeysUnavailable, tokenInvalid } from "./token-errors.js";
import { NoticedRefusal, type DomainError } from "../errors.js";
import { keySet, type JwksSource } from "./jwks.js";

export interface JwtSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly string[];
  readonly jwks: JwksSource;
}

/** Clocks disagree a little; a token is accepted this many seconds either side of its times. */
const CLOCK_TOLERANCE_SECONDS = 5;

const reasons: Partial<Record<string, string>> = {
  ERR_JWT_EXPIRED: "the token has expired",
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "the token's signature is not valid",
  ERR_JWKS_NO_MATCHING_KEY: "the token is not signed by a key of the issuer",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: "the token names no key (kid), and the issuer has several for its algorithm",
  ERR_JOSE_ALG_NOT_ALLOWED: "the token's signing algorithm is not accepted",
  // Only the token's header raises it here: an extension it marks critical (crit) that we do not know.
  ERR_JOSE_NOT_SUPPORTED: "the token requires a JOSE extension that is not supported",
  ERR_JWS_INVALID: "the token is not a valid JWT",
  ERR_JWT_INVALID: "the token is not a valid JWT",
};

export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly settings: JwtSettings) {
    this.keys = keySet(settings.jwks);
  }

  /** The verified claims; Unauthenticated for a bad token, Unavailable when keys cannot be had. */
  async verify(token: string): Promise<JWTPayload & { sub: string }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: [...this.settings.algorithms],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["sub", "exp"],
      }));
    } catch (error) {
      const refused = refusal(error);
      // The caller only learns to try again; the operator needs to know why.
      if (refused.code !== "Unavailable") throw refused;
      throw new NoticedRefusal(refused, "JWT signing keys cannot be had", { jwks: this.settings.jwks, reason: (error as Error).message });
    }
    // jose checks that sub is there, not what it is: a user ID, which RFC 7519 makes a string.
    if (typeof payload.sub !== "string" || payload.sub === "") throw tokenInvalid(`the token's "sub" claim is not accepted`);
    return payload as JWTPayload & { sub: string };
  }
}

function refusal(error: unknown): DomainError {
  if (error instanceof errors.JWTClaimValidationFailed) {
    return tokenInvalid(`the token's "${error.claim}" claim is ${error.reason === "missing" ? "missing" : "not accepted"}`);
  }
  if (error instanceof errors.JOSEError) {
    const reason = reasons[error.code];
    if (reason) return tokenInvalid(reason);
  }
  // Timeouts, unreachable or broken key sets: not the caller's fault.
  return signingKeysUnavailable();
}
