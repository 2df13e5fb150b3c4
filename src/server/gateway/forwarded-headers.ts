/**
 * The request headers a REST call hands on to its RPC, as ZITADEL's gateway does: the
 * credentials (`authorization`) and ZITADEL's own headers (`x-zitadel-*`, such as the
 * organization a Management call acts on); and this service's own: a write's precondition
 * (`if-match`) and `x-lps-*` (a dry run). Nothing else reaches the RPC, so that a REST
 * client cannot steer the protocol of the in-process call (content type, timeouts,
 * compression) by what it sends.
 */
import type { IncomingHttpHeaders } from "node:http";

const PASSED_PREFIXES = ["x-zitadel-", "x-lps-"];
const PASSED_NAMES = new Set(["authorization", "if-match"]);

export function forwardedHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || !(PASSED_NAMES.has(name) || PASSED_PREFIXES.some((prefix) => name.startsWith(prefix)))) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}
