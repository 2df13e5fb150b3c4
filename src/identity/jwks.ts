/**
 * Where a JWT's signing keys come from: the issuer's JWKS URL (fetched, cached for ten
 * minutes, fetched again at once when a token names a key it does not know, at most every
 * 30 seconds), or a JWKS file (read again when it changes).
 */
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { readFile, stat } from "node:fs/promises";

const CACHE_MAX_AGE_MS = 10 * 60 * 1000;
const REFETCH_COOLDOWN_MS = 30 * 1000;
const FETCH_TIMEOUT_MS = 5 * 1000;
/** How often a file's modification time is looked at. */
const FILE_CHECK_INTERVAL_MS = 1000;

export type JwksSource = { readonly url: string } | { readonly file: string };

export function keySet(source: JwksSource): JWTVerifyGetKey {
  if ("url" in source) {
    return createRemoteJWKSet(new URL(source.url), {
      cacheMaxAge: CACHE_MAX_AGE_MS,
      cooldownDuration: REFETCH_COOLDOWN_MS,
      timeoutDuration: FETCH_TIMEOUT_MS,
    });
  }
  return fileKeySet(source.file);
}

function fileKeySet(path: string): JWTVerifyGetKey {
  let loaded: { mtimeMs: number; keys: JWTVerifyGetKey } | undefined;
  let checkedAt = 0;
  return async (header, token) => {
    const now = Date.now();
    if (!loaded || now - checkedAt >= FILE_CHECK_INTERVAL_MS) {
      checkedAt = now;
      const { mtimeMs } = await stat(path);
      if (!loaded || loaded.mtimeMs !== mtimeMs) {
        const jwks = JSON.parse(await readFile(path, "utf8")) as JSONWebKeySet;
        loaded = { mtimeMs, keys: createLocalJWKSet(jwks) };
      }
    }
    return loaded.keys(header, token);
  };
}
