/**
 * `lps doctor` on JWT access tokens: when an issuer is configured, its key set (the JWKS
 * file, or the URL) can be read, and holds public keys for at least one accepted algorithm.
 */
import { importJWK, type JWK } from "jose";
import { readFileSync } from "node:fs";
import type { JwtSettings } from "../identity/jwt-verifier.js";
import { fault, ok, warning, type Finding } from "./doctor-finding.js";

const AREA = "jwt";
const FETCH_TIMEOUT_MS = 5000;

export async function checkJwt(jwt: JwtSettings | undefined): Promise<Finding[]> {
  if (!jwt) return [ok(AREA, "no issuer configured: personal access tokens only")];
  const source = "url" in jwt.jwks ? jwt.jwks.url : jwt.jwks.file;
  let keys: JWK[];
  try {
    const jwks = "url" in jwt.jwks ? await fetchJson(jwt.jwks.url) : (JSON.parse(readFileSync(jwt.jwks.file, "utf8")) as unknown);
    keys = keysOf(jwks);
  } catch (error) {
    return [fault(AREA, `the issuer's keys at ${source} cannot be read: ${(error as Error).message}`, "check LPS_JWKS_URL or LPS_JWKS_FILE: it must give a JWKS document, {\"keys\": [...]}")];
  }
  const findings: Finding[] = [];
  const usable: string[] = [];
  for (const key of keys) {
    if ("d" in key) {
      findings.push(fault(AREA, `key ${key.kid ?? "(no kid)"} at ${source} is a private key`, "publish only the issuer's public keys; replace the key pair, its private half is exposed"));
      continue;
    }
    const algorithm = jwt.algorithms.find((alg) => (key.alg ? key.alg === alg : fits(key, alg)));
    if (algorithm && (await importable(key, algorithm))) usable.push(`${key.kid ?? "(no kid)"} ${algorithm}`);
  }
  if (usable.length === 0) {
    findings.push(
      fault(AREA, `none of the ${keys.length} key(s) at ${source} verifies an accepted algorithm (${jwt.algorithms.join(", ")}): every JWT will be refused`, "set LPS_JWT_ALGORITHMS to the issuer's signing algorithm, or check that the JWKS is the issuer's"),
    );
  } else {
    findings.push(ok(AREA, `issuer ${jwt.issuer}: ${usable.length} usable key(s) at ${source} (${usable.join("; ")})`));
  }
  if (!jwt.audience) findings.push(warning(AREA, "no audience configured", "set LPS_JWT_AUDIENCE"));
  return findings;
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

function keysOf(jwks: unknown): JWK[] {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.some((key) => typeof key !== "object" || key === null)) throw new Error('not {"keys": [...]}');
  if (keys.length === 0) throw new Error("the key set is empty");
  return keys as JWK[];
}

/** Whether a key without "alg" is of the type the algorithm signs with. */
function fits(key: JWK, alg: string): boolean {
  if (alg.startsWith("RS") || alg.startsWith("PS")) return key.kty === "RSA";
  if (alg === "EdDSA") return key.kty === "OKP";
  const curves: Record<string, string> = { ES256: "P-256", ES384: "P-384", ES512: "P-521" };
  return key.kty === "EC" && key.crv === curves[alg];
}

async function importable(key: JWK, alg: string): Promise<boolean> {
  try {
    await importJWK(key, alg);
    return true;
  } catch {
    return false;
  }
}
