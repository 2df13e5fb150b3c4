/** A whole REST answer, written at once; to HEAD, the same status and headers without the body. */
import type { NodeRequest, NodeResponse } from "../rpc-handler.js";

export interface RestResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}

export function sendRestResponse(req: NodeRequest, res: NodeResponse, response: RestResponse): void {
  const headers: Record<string, string> = { ...response.headers, "content-length": String(Buffer.byteLength(response.body)) };
  if (req.httpVersionMajor === 1 && leftUnread(req)) {
    // Answered without reading the body (too large, say), which stays unread: the client
    // must not send its next request on this socket.
    headers.connection = "close";
  }
  res.writeHead(response.status, headers);
  if (req.method === "HEAD") res.end();
  else res.end(response.body);
}

function leftUnread(req: NodeRequest): boolean {
  const declared = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  return declared && !req.complete && !req.readableFlowing;
}
