/**
 * An OpenID Connect issuer of our own for tests: signing keys made with jose, the key set
 * they publish, and access tokens signed with them, valid unless a test says otherwise.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JSONWebKeySet, type JWTPayload } from "jose";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../harness/temp-dir.js";

export const ISSUER = "https://issuer.example.com";
export const AUDIENCE = "login-policy-service";

export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  /** A private key, or the shared secret of an HMAC algorithm. */
  readonly secret: CryptoKey | Uint8Array;
  /** What the issuer publishes in its key set (nothing, for a shared secret). */
  readonly publicJwk?: JWK;
}

export async function signingKey(kid: string, alg = "ES256"): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, secret: privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export function keySet(...keys: SigningKey[]): JSONWebKeySet {
  return { keys: keys.map((key) => key.publicJwk!) };
}

/** The settings that make the server accept this issuer's tokens, with keys from a file or a URL. */
export function issuerSettings(keys: { file: string } | { url: string }, algorithms = "ES256"): Record<string, string> {
  return {
    LPS_JWT_ISSUER: ISSUER,
    LPS_JWT_AUDIENCE: AUDIENCE,
    LPS_JWT_ALGORITHMS: algorithms,
    ...("file" in keys ? { LPS_JWKS_FILE: keys.file } : { LPS_JWKS_URL: keys.url }),
  };
}

export interface TokenOptions {
  /** Claims to add or replace; a claim set to undefined is left out. */
  readonly claims?: JWTPayload;
  /** Header parameters to add or replace, such as another kid or none (undefined). */
  readonly header?: Record<string, unknown>;
  /** Header extensions the signer understands, which jose then lets it mark critical (crit). */
  readonly crit?: Record<string, boolean>;
}

/** An access token for `sub`, valid for an hour, for our issuer and audience. */
export function accessToken(key: SigningKey, sub: string, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: ISSUER, aud: AUDIENCE, sub, iat: now, exp: now + 3600, ...options.claims };
  const header = { alg: key.alg, kid: key.kid, typ: "at+jwt", ...options.header };
  return new SignJWT(payload).setProtectedHeader(withoutUndefined(header) as { alg: string }).sign(key.secret, { crit: options.crit });
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** A JWKS file that can be replaced whole, as an operator rotating keys would (write, then rename). */
export class KeySetFile {
  readonly path = join(tempDir(), "jwks.json");

  constructor(jwks: JSONWebKeySet) {
    this.publish(jwks);
  }

  publish(jwks: JSONWebKeySet): void {
    const next = `${this.path}.next`;
    writeFileSync(next, JSON.stringify(jwks));
    renameSync(next, this.path);
  }
}
