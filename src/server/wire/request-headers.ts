/** A request's headers as the Fetch API's Headers, which interceptors and handlers read. */
import type { IncomingHttpHeaders } from "node:http";

/** Converts once; HTTP/2's pseudo-headers (":path" ...) are the transport's, not the call's. */
export function requestHeaders(raw: IncomingHttpHeaders): Headers {
  const header = new Headers();
  for (const name in raw) {
    if (name.charCodeAt(0) === 0x3a) continue;
    const value = raw[name];
    if (typeof value === "string") header.append(name, value);
    else if (value) for (const one of value) header.append(name, one);
  }
  return header;
}
