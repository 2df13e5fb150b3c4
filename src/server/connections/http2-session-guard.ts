/**
 * What an HTTP/2 connection may hold and for how long. A session must open its first stream
 * within the headers timeout (a bare preface is a squatter), is closed after the idle timeout
 * when no stream is open, and each stream must finish sending its request within the request
 * timeout. Streams reset before they are answered are counted against the client's address
 * (see PeerResets); an address over its budget has its sessions closed. A session whose
 * client sends more bytes in a second than the limit is closed.
 *
 * While a stream is open, the session sends a PING every keepalive interval: a long, quiet
 * stream (a watch) then never looks idle to proxies on the way, and a peer that stops
 * answering pings (gone without a word) is let go after UNANSWERED_PINGS of them.
 */
import http2 from "node:http2";
import type { Logger } from "../../logger.js";

const { NGHTTP2_CANCEL, NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_NO_ERROR } = http2.constants;

export interface SessionLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly keepaliveMs: number;
  readonly maxConnectionBytesPerSecond: number;
}

/** Pings in a row without an answer after which the peer counts as gone. */
const UNANSWERED_PINGS = 3;

export interface SessionEvents {
  /** A stream opened: a call is in progress until it closes (callEnded). */
  callStarted(): void;
  callEnded(): void;
  /** A stream was reset before it was answered (the listener cuts off an address over budget). */
  reset(): void;
  /** The client sent more bytes in a second than a connection may; the session is cut off. */
  flooded(bytes: number): void;
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
  let unanswered = 0;
  const keepalive = setInterval(() => {
    if (open === 0 || session.closed || session.destroyed) return;
    if (unanswered >= UNANSWERED_PINGS) {
      session.destroy();
      return;
    }
    unanswered++;
    session.ping((error) => {
      if (!error) unanswered = 0;
    });
  }, limits.keepaliveMs);
  // Bytes read, by the second: frames that are no calls (WINDOW_UPDATE, PRIORITY) pass every
  // other limit, and nghttp2 reads them as fast as they come.
  let readBefore = 0;
  const reading = setInterval(() => {
    // A destroyed session's socket is gone before its "close" clears this.
    if (session.destroyed) return;
    const read = session.socket.bytesRead;
    if (read - readBefore > limits.maxConnectionBytesPerSecond) {
      events.flooded(read - readBefore);
      cutOff(session);
    }
    readBefore = read;
  }, 1000);
  session.once("close", () => {
    clearTimeout(firstStream);
    clearInterval(keepalive);
    clearInterval(reading);
  });
  session.on("stream", (stream: http2.ServerHttp2Stream) => {
    if (streams++ === 0) clearTimeout(firstStream);
    open++;
    events.callStarted();
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
      // Reset before it was answered: by the client, or by us for a request that never came
      // whole. A stream cancelled after its answer began (a watch closed) is no rapid reset.
      if (stream.rstCode !== NGHTTP2_NO_ERROR && !stream.headersSent) events.reset();
      events.callEnded();
      if (--open === 0 && !session.closed && !session.destroyed) session.setTimeout(limits.idleTimeoutMs);
    });
  });
}

/**
 * Ends a session, telling the client to calm down (RFC 9113, 7), on the next turn of the event
 * loop. A stream's close handler runs inside nghttp2's handling of the frame that closed it;
 * a session destroyed there re-enters nghttp2, and Node 20 then keeps packing frames for the
 * dead session until the process runs out of memory.
 */
export function cutOff(session: http2.ServerHttp2Session): void {
  setImmediate(() => {
    if (session.destroyed) return;
    session.goaway(NGHTTP2_ENHANCE_YOUR_CALM);
    session.destroy();
  });
}
