/**
 * CORS, so that browser apps on the configured origins can call every door of the port:
 * Connect, gRPC-Web, the REST gateway and the health probes. It wraps the whole request
 * listener, so that every response carries the headers, errors and unknown paths included.
 * Preflight requests are answered here, before any door, without authentication.
 *
 * Callers authenticate with a bearer token in the Authorization header, never with cookies,
 * so credentials (Access-Control-Allow-Credentials) are never allowed, and "*" (any origin)
 * admits no one who does not hold a token anyway.
 */
import { cors as connectCors } from "@connectrpc/connect";
import type { RequestListener } from "./listener.js";
import type { NodeRequest, NodeResponse } from "./http-door.js";

/** The configured origin that admits every origin; it stands alone. */
export const ANY_ORIGIN = "*";

/** Connect's and gRPC-Web's methods, and the REST gateway's. */
const ALLOWED_METHODS = [...new Set([...connectCors.allowedMethods, "PUT", "DELETE"])].join(", ");

/** Connect's and gRPC-Web's request headers, the bearer token, the organization, and a write's conditions. */
const ALLOWED_HEADERS = [...connectCors.allowedHeaders, "Authorization", "X-Zitadel-Orgid", "If-Match", "X-Lps-Dry-Run"];

/** The REST gateway passes every x-zitadel-* header through; a browser may send any it asks for. */
const PASSED_THROUGH = /^x-zitadel-[a-z0-9-]+$/;

/**
 * The status headers of gRPC-Web and Connect, the authentication challenge of a 401, a
 * policy's version, and who a change of the default reaches.
 */
const EXPOSED_HEADERS = [...connectCors.exposedHeaders, "WWW-Authenticate", "ETag", "X-Lps-Affected-Organizations"].join(", ");

/** How long a browser may reuse a preflight answer: two hours, the most Chromium honours. */
const MAX_AGE_SECONDS = "7200";

/**
 * @param origins  exact origins ("https://console.example.com"), or ANY_ORIGIN alone; none
 *                 admits no browser app from another origin
 */
export function withCors(origins: readonly string[], next: RequestListener): RequestListener {
  const anyOrigin = origins.includes(ANY_ORIGIN);
  const allowed = new Set(origins);

  return (req, res) => {
    const origin = req.headers.origin;
    const admitted = typeof origin === "string" && (anyOrigin || allowed.has(origin));
    // Which origin is named, if any, depends on the request's: caches must keep them apart.
    if (!anyOrigin) res.setHeader("vary", "Origin");
    if (admitted) res.setHeader("access-control-allow-origin", anyOrigin ? ANY_ORIGIN : origin);
    if (isPreflight(req)) return answerPreflight(req, res, admitted);
    if (admitted) res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
    next(req, res);
  };
}

/** A browser asking whether it may send a request: OPTIONS with Origin and the method it wants. */
function isPreflight(req: NodeRequest): boolean {
  return req.method === "OPTIONS" && req.headers.origin !== undefined && req.headers["access-control-request-method"] !== undefined;
}

/** An origin that is not admitted gets an answer without CORS headers, which the browser takes as no. */
function answerPreflight(req: NodeRequest, res: NodeResponse, admitted: boolean): void {
  if (admitted) {
    res.setHeader("access-control-allow-methods", ALLOWED_METHODS);
    res.setHeader("access-control-allow-headers", allowedHeaders(req).join(", "));
    res.setHeader("access-control-max-age", MAX_AGE_SECONDS);
    res.setHeader("vary", "Origin, Access-Control-Request-Headers");
  }
  res.writeHead(204);
  res.end();
}

function allowedHeaders(req: NodeRequest): string[] {
  const requested = String(req.headers["access-control-request-headers"] ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase());
  const known = new Set(ALLOWED_HEADERS.map((name) => name.toLowerCase()));
  return [...ALLOWED_HEADERS, ...requested.filter((name) => PASSED_THROUGH.test(name) && !known.has(name))];
}
