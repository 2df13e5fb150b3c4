/** A request's headers as the Fetch API's Headers, which interceptors and handlers read. */
import type { IncomingHttpHeaders } from "node:http";
import { malformedRequest } from "../../interceptors/request-errors.js";

/**
 * Converts once; HTTP/2's pseudo-headers (":path" ...) are the transport's, not the call's.
 * Node lets through a few values the Fetch API refuses (a NUL byte, say): such a request is
 * malformed.
 */
export function requestHeaders(raw: IncomingHttpHeaders): Headers {
  const header = new Headers();
  try {
    for (const name in raw) {
      if (name.charCodeAt(0) === 0x3a) continue;
      const value = raw[name];
      if (typeof value === "string") header.append(name, value);
      else if (value) for (const one of value) header.append(name, one);
    }
  } catch {
    throw malformedRequest("a request header holds characters that are not allowed");
  }
  return header;
}
