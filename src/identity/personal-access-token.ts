/**
 * Personal access tokens: 256 random bits, shown once, stored only as their SHA-256. A
 * slow hash would add nothing: with that much randomness the hash cannot be reversed by
 * guessing, and a fast one keeps authentication to one key lookup.
 */
import { createHash, randomBytes } from "node:crypto";

/** Marks our tokens, so that they are recognisable in logs and by secret scanners. */
const PREFIX = "lps_";

export interface NewToken {
  /** The secret, for the owner's eyes only. */
  readonly token: string;
  readonly hash: string;
}

export function newPersonalAccessToken(): NewToken {
  const token = PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
