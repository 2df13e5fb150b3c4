/**
 * A file served whole from memory, as a cache wants it: with a strong validator (the hash
 * of its bytes), so that a client holding it asks again with If-None-Match and gets 304
 * and no body; and, for a type that compresses, gzipped once, for clients that accept it.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { NodeRequest, NodeResponse } from "../http-door.js";
import { acceptsGzip } from "./gzip.js";
import { writeWhole } from "./whole-response.js";

export interface StaticFile {
  readonly body: Buffer;
  /** The body gzipped, for types worth compressing. */
  readonly gzipped?: Buffer;
  readonly contentType: string;
  /** A strong validator: the hash of the body. */
  readonly etag: string;
}

const COMPRESSIBLE = /^(text\/|image\/svg|application\/json)/;

export function staticFile(body: Buffer, contentType: string): StaticFile {
  return {
    body,
    ...(COMPRESSIBLE.test(contentType) && { gzipped: gzipSync(body) }),
    contentType,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
  };
}

/** Answers a GET or HEAD with the file, or with 304 when the client holds it; `headers` go on either. */
export function sendStaticFile(req: NodeRequest, res: NodeResponse, file: StaticFile, headers: Record<string, string>): void {
  const sent: Record<string, string> = { ...headers, etag: file.etag };
  // Kept with what another layer already varies on (CORS varies on Origin).
  if (file.gzipped) sent.vary = [res.getHeader("vary"), "Accept-Encoding"].filter(Boolean).join(", ");
  if (matches(req.headers["if-none-match"], file.etag)) {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(304, sent);
    res.end();
    return;
  }
  const body = file.gzipped && acceptsGzip(req.headers["accept-encoding"]) ? file.gzipped : file.body;
  if (body !== file.body) sent["content-encoding"] = "gzip";
  writeWhole(req, res, 200, { ...sent, "content-type": file.contentType }, body);
}

/** If-None-Match: a list of validators, or "*". */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === etag;
  });
}
