/**
 * gzip, the one compression this server speaks besides identity, with a limit on what a
 * compressed request may inflate to. Responses are not compressed for loopback peers, where
 * it only costs CPU, nor when they are too small to gain from it.
 */
import { promisify } from "node:util";
import zlib from "node:zlib";
import { malformedRequest, requestTooLarge } from "../../interceptors/request-errors.js";

export const GZIP = "gzip";

/** connect-node's threshold: smaller responses are sent as they are. */
export const COMPRESS_MIN_BYTES = 1024;

const gunzipAsync = promisify(zlib.gunzip);
const gzipAsync = promisify(zlib.gzip);

/** Inflates a request message; refuses one that inflates past `maxBytes` or is not gzip. */
export async function gunzipRequest(data: Uint8Array, maxBytes: number): Promise<Buffer> {
  try {
    return await gunzipAsync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw requestTooLarge(`the request message inflates to more than ${maxBytes} bytes`);
    }
    throw malformedRequest("the request message is not valid gzip");
  }
}

export function gzip(data: Uint8Array): Promise<Buffer> {
  return gzipAsync(data);
}

/** Whether a list of encodings, as accept-encoding headers give it, offers gzip (or "*", any). */
export function acceptsGzip(header: string | undefined | null): boolean {
  if (!header) return false;
  for (const part of header.split(",")) {
    const [name, ...params] = part.split(";");
    const coding = name!.trim().toLowerCase();
    if (coding !== GZIP && coding !== "*") continue;
    // "gzip;q=0" says no.
    return !params.some((param) => /^\s*q\s*=\s*0(\.0*)?\s*$/i.test(param));
  }
  return false;
}
