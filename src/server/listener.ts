/**
 * One port for every client. Without TLS, a connection is HTTP/2 (gRPC, and h2c clients of
 * Connect) if it opens with the HTTP/2 preface, and HTTP/1.1 (browsers, curl, gRPC-Web)
 * otherwise; Node's own `allowHTTP1` only does this under TLS. With a certificate and key,
 * TLS negotiates the protocol by ALPN.
 */
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { AddressInfo } from "node:net";
import type { NodeRequest, NodeResponse } from "./http-door.js";

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

export type RequestListener = (req: NodeRequest, res: NodeResponse) => void;

/**
 * Sees each HTTP/2 stream first, as raw headers, before any request object exists; returns
 * true if it took the stream (a lean path for calls that need no more), false to have the
 * stream served as a request like every other.
 */
export type StreamListener = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => boolean;

/** What the listener hands requests to. */
export interface RequestHandlers {
  readonly request: RequestListener;
  readonly stream?: StreamListener;
}

export interface Listener {
  readonly address: AddressInfo;
  /** Stops accepting, lets calls in flight finish for up to `graceMs`, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

/** The client preface every HTTP/2 connection starts with (RFC 9113, 3.4). */
const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
/** A connection that has not said which protocol it speaks by then is dropped. */
const SNIFF_TIMEOUT_MS = 10_000;

export async function listen(options: ListenOptions, handlers: RequestHandlers): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.Http2Session>();
  const onRequest = handlers.request;
  const h1 = options.tls ? undefined : http.createServer(onRequest);
  const h2 = options.tls
    ? http2.createSecureServer({ cert: options.tls.cert, key: options.tls.key, allowHTTP1: true }, onRequest)
    : http2.createServer(onRequest);
  if (handlers.stream) streamsFirst(h2, handlers.stream);
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });

  const server: net.Server = options.tls ? h2 : net.createServer((socket) => sniff(socket, h1!, h2));
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => reject(listenError(options, error));
    server.once("error", fail);
    server.listen(options.port, options.host, () => {
      server.off("error", fail);
      resolve();
    });
  });

  return {
    address: server.address() as AddressInfo,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close();
      h1?.closeIdleConnections();
      const deadline = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      // Keep-alive sockets that finish their request are closed as they become idle.
      const idleSweep = setInterval(() => h1?.closeIdleConnections(), 100);
      await closed;
      clearTimeout(deadline);
      clearInterval(idleSweep);
    },
  };
}

const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: "the address is already in use",
  EACCES: "permission denied (ports below 1024 need privileges)",
  EADDRNOTAVAIL: "the address is not one of this machine's",
  ENOTFOUND: "the host name does not resolve",
};

function listenError(options: ListenOptions, error: NodeJS.ErrnoException): Error {
  const problem = (error.code && LISTEN_PROBLEMS[error.code]) ?? error.message;
  return new Error(`cannot listen on ${options.host}:${options.port}: ${problem}`);
}

/**
 * Reads the first bytes, hands the socket to the server for its protocol, and gives the
 * bytes back to the socket for that server to read.
 */
function sniff(socket: net.Socket, h1: http.Server, h2: http2.Http2Server): void {
  socket.setTimeout(SNIFF_TIMEOUT_MS, () => socket.destroy());
  let head = Buffer.alloc(0);
  const onReadable = () => {
    for (let chunk: Buffer | null; (chunk = socket.read()) !== null; ) head = Buffer.concat([head, chunk]);
    if (socket.readableEnded) return socket.destroy();
    const length = Math.min(head.length, HTTP2_PREFACE.length);
    const isHttp2 = head.subarray(0, length).equals(HTTP2_PREFACE.subarray(0, length));
    // Fewer than four bytes of the preface ("P", "PR", "PRI") could still be "POST" or "PUT".
    if (isHttp2 && length < 4) return;
    socket.off("readable", onReadable);
    socket.setTimeout(0);
    socket.unshift(head);
    (isHttp2 ? h2 : h1).emit("connection", socket);
  };
  socket.on("readable", onReadable);
}

/**
 * Lets `first` see every HTTP/2 stream before Node's compatibility layer turns it into a
 * request and response. That layer is itself a "stream" listener, which the server adds
 * when it is given a request listener; it is taken out and called only for the streams
 * `first` declines, so a stream it took never gets request objects (or their listeners on
 * the stream, such as the one that would answer "wantTrailers" for it).
 */
function streamsFirst(server: http2.Http2Server | http2.Http2SecureServer, first: StreamListener): void {
  const compatibility = server.listeners("stream") as ((...args: unknown[]) => void)[];
  for (const listener of compatibility) server.removeListener("stream", listener);
  server.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
    if (first(stream, headers)) return;
    for (const listener of compatibility) listener.call(server, stream, headers, flags, rawHeaders);
  });
}
