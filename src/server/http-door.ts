/** What every door to the service over HTTP has in common: it serves a request or passes it on. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

export type NodeRequest = IncomingMessage | Http2ServerRequest;
export type NodeResponse = ServerResponse | Http2ServerResponse;

/** One way into the service over HTTP (RPCs, REST, health probes ...). */
export interface HttpDoor {
  /** Serves the request if it is this door's; returns false, untouched, otherwise. */
  handle(req: NodeRequest, res: NodeResponse): boolean;
}
