/**
 * Counts the connections and HTTP/2 streams that carry requests, from the requests alone:
 * a connection is counted from its first request until it closes, a stream while its
 * request is open. Connections that never send a request (probes of the TCP port, TLS
 * handshakes that fail) are not seen here; the listener is the place to count those, by
 * calling the same ConnectionObserver when it accepts a socket. Requests arrive two ways,
 * as request objects and as raw HTTP/2 streams (unary gRPC): both are counted alike.
 */
import { Http2ServerRequest, type Http2Session } from "node:http2";
import type { ConnectionObserver } from "../metrics/edge-observer.js";
import type { StreamListener } from "./listener.js";
import type { RequestListener } from "./request-context.js";

export interface ConnectionTracking {
  requests(next: RequestListener): RequestListener;
  streams(next: StreamListener): StreamListener;
}

export function connectionTracking(observer: ConnectionObserver): ConnectionTracking {
  /** Connections already counted: HTTP/2 sessions and HTTP/1.1 sockets. */
  const seen = new WeakSet<object>();
  const track = (connection: { once(event: "close", listener: () => void): unknown }, version: "1.1" | "2") => {
    if (seen.has(connection)) return;
    seen.add(connection);
    connection.once("close", observer.connectionOpened(version));
  };
  return {
    requests: (next) => (req, res) => {
      if (req instanceof Http2ServerRequest) {
        if (req.stream.session) track(req.stream.session, "2");
        res.once("close", observer.streamOpened());
      } else {
        track(req.socket, "1.1");
      }
      next(req, res);
    },
    streams: (next) => (stream, headers, rawHeaders) => {
      if (!next(stream, headers, rawHeaders)) return false;
      if (stream.session) track(stream.session as Http2Session, "2");
      stream.once("close", observer.streamOpened());
      return true;
    },
  };
}
