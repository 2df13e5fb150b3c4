/**
 * Tells HTTP/2 from HTTP/1.1 on a cleartext connection by its first bytes: HTTP/2 opens with
 * a fixed preface, HTTP/1.1 with a request line. The bytes read are given back to the socket
 * for the chosen server to read again.
 */
import type net from "node:net";

/** The client preface every HTTP/2 connection starts with (RFC 9113, 3.4). */
const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export type WireProtocol = "h2" | "http/1.1";

/**
 * Calls `choose` once the protocol is known. A connection that closes first, or sends
 * nothing telling within `timeoutMs`, is destroyed and `choose` never called.
 */
export function sniffProtocol(socket: net.Socket, timeoutMs: number, choose: (protocol: WireProtocol) => void): void {
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  let head = Buffer.alloc(0);
  const stop = () => {
    clearTimeout(timer);
    socket.off("readable", onReadable);
    socket.off("close", stop);
  };
  const onReadable = () => {
    for (let chunk: Buffer | null; (chunk = socket.read()) !== null; ) head = Buffer.concat([head, chunk]);
    if (socket.readableEnded) {
      stop();
      socket.destroy();
      return;
    }
    const length = Math.min(head.length, HTTP2_PREFACE.length);
    const isHttp2 = head.subarray(0, length).equals(HTTP2_PREFACE.subarray(0, length));
    // Fewer than four bytes of the preface ("P", "PR", "PRI") could still be "POST" or "PUT".
    if (isHttp2 && length < 4) return;
    stop();
    socket.unshift(head);
    choose(isHttp2 ? "h2" : "http/1.1");
  };
  socket.on("readable", onReadable);
  socket.on("close", stop);
}
