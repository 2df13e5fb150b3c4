/**
 * A request carries its credentials in one `authorization` header. Node keeps only the
 * first of several in its parsed headers (HTTP/1 and HTTP/2 alike), so a request with two
 * would be judged by whichever came first, silently; the raw header list still has them all.
 */

/** How many `authorization` header lines the raw header list (name, value, name, value ...) holds. */
export function authorizationCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === "authorization") count++;
  }
  return count;
}
