/** A whole answer written at once on Node's response object; to HEAD, the same without the body. */
import type { NodeRequest, NodeResponse } from "../http-door.js";

export function writeWhole(req: NodeRequest, res: NodeResponse, status: number, headers: Record<string, string>, body: string | Uint8Array): void {
  if (res.destroyed || res.headersSent) return;
  headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
  if (req.httpVersionMajor === 1 && leftUnread(req)) {
    // Answered without reading the body (too large, say), which stays unread: the client
    // must not send its next request on this socket.
    headers.connection = "close";
  }
  res.writeHead(status, headers);
  if (req.method === "HEAD") res.end();
  else res.end(body);
}

function leftUnread(req: NodeRequest): boolean {
  const declared = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  return declared && !req.complete && !req.readableFlowing;
}
