/**
 * What an HTTP/2 connection may hold and for how long. A session must open its first stream
 * within the headers timeout (a bare preface is a squatter), is closed after the idle timeout
 * when no stream is open, and each stream must finish sending its request within the request
 * timeout. Streams reset before they end are counted against the client's address
 * (see PeerResets); an address over its budget has its sessions closed.
 */
import http2 from "node:http2";
import type { Logger } from "../../logger.js";

const { NGHTTP2_CANCEL, NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_NO_ERROR } = http2.constants;

export interface SessionLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

export interface SessionEvents {
  /** The session opened its first stream: it is a client being served. */
  served(): void;
  /** A stream was reset before it ended; true if that put the client's address over budget. */
  reset(): boolean;
}

export function guardSession(session: http2.ServerHttp2Session, limits: SessionLimits, events: SessionEvents, logger: Logger): void {
  let open = 0;
  let streams = 0;
  const firstStream = setTimeout(() => session.destroy(), limits.headersTimeoutMs);
  // A long streaming call (a health watch) may be quiet: only a session with no stream open
  // is idle, and the clock starts again when its last stream closes.
  session.setTimeout(limits.idleTimeoutMs);
  session.on("timeout", () => {
    if (open === 0) session.close();
  });
  session.on("error", (error) => logger.debug({ err: error }, "HTTP/2 session failed"));
  session.once("close", () => clearTimeout(firstStream));
  session.on("stream", (stream: http2.ServerHttp2Stream) => {
    if (streams++ === 0) {
      clearTimeout(firstStream);
      events.served();
    }
    open++;
    const request = stream.endAfterHeaders
      ? undefined
      : setTimeout(() => {
          if (stream.state.remoteClose !== 1) stream.close(NGHTTP2_CANCEL);
        }, limits.requestTimeoutMs);
    // A stream's errors (a reset, a write after the client left) are the client's doing:
    // logged at debug level here, for every stream, whoever serves it.
    stream.on("error", (error) => logger.debug({ err: error }, "HTTP/2 stream failed"));
    stream.once("close", () => {
      clearTimeout(request);
      // Reset before it ended: by the client, or by us for a request that never came whole.
      if (stream.rstCode !== NGHTTP2_NO_ERROR && events.reset()) cutOff(session);
      if (--open === 0 && !session.closed && !session.destroyed) session.setTimeout(limits.idleTimeoutMs);
    });
  });
}

/** Ends a session at once, telling the client to calm down (RFC 9113, 7). */
export function cutOff(session: http2.ServerHttp2Session): void {
  if (session.destroyed) return;
  session.goaway(NGHTTP2_ENHANCE_YOUR_CALM);
  session.destroy();
}
