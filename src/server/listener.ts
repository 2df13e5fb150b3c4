/**
 * One port for every client. Without TLS, a connection is HTTP/2 (gRPC, and h2c clients of
 * Connect) if it opens with the HTTP/2 preface, and HTTP/1.1 (browsers, curl, gRPC-Web)
 * otherwise; with a certificate and key, TLS negotiates the protocol by ALPN. Either way the
 * connection then goes to one of two servers, Node's HTTP/1.1 server or its HTTP/2 server.
 *
 * This is the only code that touches sockets, and the first an attacker reaches, so it owns
 * the errors of every socket and session and puts a limit on what a connection can hold:
 * time to send headers and a whole request, idle time, connections (and those of one
 * address), streams per connection, and streams reset before their answer (see
 * ConnectionLimits in config.ts). What it counts per client address, it counts per /64 network
 * for IPv6 (see client-network.ts).
 */
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import type { ConnectionLimits } from "../config.js";
import type { Logger } from "../logger.js";
import type { LimitObserver } from "../metrics/edge-observer.js";
import { ConnectionSlots } from "./connections/connection-slots.js";
import { Http1Deadlines } from "./connections/http1-deadlines.js";
import { cutOff, guardSession } from "./connections/http2-session-guard.js";
import { PeerResets } from "./connections/peer-resets.js";
import { sniffProtocol, type WireProtocol } from "./connections/protocol-sniffer.js";
import { clientNetwork } from "../net/client-network.js";
import type { NodeRequest, NodeResponse } from "./http-door.js";

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  readonly limits: ConnectionLimits;
  readonly logger: Logger;
  /** Told of every connection refused, and every address cut off. */
  readonly limitObserver?: LimitObserver;
}

export type RequestListener = (req: NodeRequest, res: NodeResponse) => void;

/**
 * Sees each HTTP/2 stream first, as raw headers, before any request object exists; returns
 * true if it took the stream (a lean path for calls that need no more), false to have the
 * stream served as a request like every other.
 */
export type StreamListener = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, rawHeaders: string[]) => boolean;

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

/**
 * HTTP/1.1 requests one connection may send ahead of their answers (pipelining), at most.
 * The answers go out in order, so requests pile up behind one the client does not read:
 * without a bound, a few connections that send without reading had the server answer
 * millions of requests into memory.
 */
const MAX_PIPELINED_REQUESTS = 32;

/** Request headers of one HTTP/2 stream, at most (gRPC metadata included): 64 KiB. */
const MAX_HEADER_LIST_BYTES = 64 * 1024;

export async function listen(options: ListenOptions, handlers: RequestHandlers): Promise<Listener> {
  const { limits, logger } = options;
  const slots = new ConnectionSlots(limits.maxConnections, limits.maxConnectionsPerAddress);
  const resets = new PeerResets(limits.maxResetsPerMinute);
  const sessions = new Map<http2.ServerHttp2Session, string>();
  /** The TCP connection under each socket the protocol servers get (itself, or the one under TLS). */
  const connectionOf = new WeakMap<net.Socket, net.Socket>();

  const h1 = http.createServer({ keepAliveTimeout: limits.idleTimeoutMs }, handlers.request);
  const deadlines = new Http1Deadlines(limits);
  h1.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const connection = connectionOf.get(req.socket) ?? req.socket;
    // The rest of a read already parsed when its connection was closed comes to nothing.
    if (connection.destroyed) return;
    res.once("close", () => slots.callEnded(connection));
    if (slots.callStarted(connection) > MAX_PIPELINED_REQUESTS) {
      options.limitObserver?.refused("pipelined_requests");
      logger.warn(
        { address: slots.addressOf(connection) },
        "a client sent more HTTP/1.1 requests ahead of their answers than a connection may; the connection is closed",
      );
      connection.destroy();
      return;
    }
    deadlines.request(req, res);
  });
  // Without a "clientError" listener Node answers a malformed or late request itself (400,
  // 408, 431) and closes the connection, which is what it should get.

  // Both limits are advertised in SETTINGS, so that clients keep to them rather than learn
  // them from a refusal.
  const h2 = http2.createServer(
    { settings: { maxConcurrentStreams: limits.maxConcurrentStreams, maxHeaderListSize: MAX_HEADER_LIST_BYTES } },
    handlers.request,
  );
  streamsFirst(h2, (stream, headers, rawHeaders) => {
    // A stream from an address cut off for resetting streams is refused before anything is
    // made of it: the rest of a burst already on the wire costs nothing more.
    if (resets.isCutOff(sessions.get(stream.session as http2.ServerHttp2Session) ?? "")) {
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return true;
    }
    return handlers.stream?.(stream, headers, rawHeaders) ?? false;
  });
  /** Set while a connection is handed to the HTTP/2 server, which makes its session at once. */
  let handingOver: net.Socket | undefined;
  h2.on("session", (session: http2.ServerHttp2Session) => {
    const connection = handingOver!;
    // Admitted moments ago, under the address its limits count.
    const address = slots.addressOf(connection) ?? "";
    sessions.set(session, address);
    session.once("close", () => sessions.delete(session));
    slots.closeWith(connection, () => session.close());
    guardSession(
      session,
      limits,
      {
        callStarted: () => slots.callStarted(connection),
        callEnded: () => slots.callEnded(connection),
        reset: () => {
          if (resets.reset(address)) cutOffAddress(address);
        },
        flooded: (bytes) => {
          options.limitObserver?.refused("connection_bytes");
          logger.warn({ address, bytes }, "a client sent more bytes in a second than a connection may; the connection is closed");
        },
      },
      logger,
    );
  });
  h2.on("sessionError", (error: Error) => logger.debug({ err: error }, "HTTP/2 session failed"));

  function cutOffAddress(address: string): void {
    options.limitObserver?.refused("resets");
    logger.warn({ address }, "a client reset too many streams before their answer; its connections are closed for a minute");
    for (const [session, of] of sessions) if (of === address) cutOff(session);
  }

  function handOver(connection: net.Socket, socket: net.Socket, protocol: WireProtocol): void {
    connectionOf.set(socket, connection);
    if (protocol === "h2") {
      handingOver = connection;
      h2.emit("connection", socket);
      handingOver = undefined;
    } else {
      h1.emit("connection", socket);
      deadlines.connected(socket);
    }
  }

  const server: net.Server = options.tls
    ? tls.createServer({ ...options.tls, ALPNProtocols: ["h2", "http/1.1"], handshakeTimeout: limits.headersTimeoutMs })
    : net.createServer();
  /** Connections under TLS, by their peer's address and port, to find them from the TLS socket. */
  const underTls = new Map<string, net.Socket>();
  server.on("connection", (connection: net.Socket) => {
    // A client that resets the connection must not take the process with it.
    connection.on("error", (error) => logger.debug({ err: error }, "connection failed"));
    const address = clientNetwork(connection.remoteAddress ?? "");
    const refusal = slots.admit(connection, address);
    if (refusal) {
      options.limitObserver?.refused(refusal.limit);
      if (refusal.limit === "connections_per_address" && refusal.newly) {
        logger.warn({ address, max: limits.maxConnectionsPerAddress }, "a client address holds as many connections as one may; its new ones are refused");
      }
      return;
    }
    if (resets.isCutOff(address)) {
      // Held, unread, until the headers timeout, rather than closed at once: an attacker
      // that reconnects as soon as it is cut off would otherwise keep the server accepting
      // and closing as fast as it can. While held, it is a pending connection like any.
      connection.pause();
      setTimeout(() => connection.destroy(), limits.headersTimeoutMs).unref();
      return;
    }
    if (!options.tls) {
      sniffProtocol(connection, limits.headersTimeoutMs, (protocol) => handOver(connection, connection, protocol));
      return;
    }
    const peer = peerOf(connection);
    underTls.set(peer, connection);
    connection.once("close", () => underTls.delete(peer));
  });
  server.on("secureConnection", (socket: tls.TLSSocket) => {
    const connection = underTls.get(peerOf(socket)) ?? socket;
    handOver(connection, socket, socket.alpnProtocol === "h2" ? "h2" : "http/1.1");
  });
  server.on("tlsClientError", (error: Error) => logger.debug({ err: error }, "TLS handshake failed"));
  server.on("error", (error) => logger.error({ err: error }, "the listening socket failed"));

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
      for (const session of sessions.keys()) session.close();
      slots.closeQuiet();
      const deadline = setTimeout(() => {
        for (const socket of slots.all()) socket.destroy();
      }, graceMs);
      // Keep-alive sockets that finish their request are closed as they become idle.
      const idleSweep = setInterval(() => slots.closeQuiet(), 100);
      await closed;
      clearTimeout(deadline);
      clearInterval(idleSweep);
      h1.close();
    },
  };
}

function peerOf(socket: net.Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
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
 * Lets `first` see every HTTP/2 stream before Node's compatibility layer turns it into a
 * request and response. That layer is itself a "stream" listener, which the server adds
 * when it is given a request listener; it is taken out and called only for the streams
 * `first` declines, so a stream it took never gets request objects (or their listeners on
 * the stream, such as the one that would answer "wantTrailers" for it).
 */
function streamsFirst(server: http2.Http2Server, first: StreamListener): void {
  const compatibility = server.listeners("stream") as ((...args: unknown[]) => void)[];
  for (const listener of compatibility) server.removeListener("stream", listener);
  server.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
    if (first(stream, headers, rawHeaders)) return;
    for (const listener of compatibility) listener.call(server, stream, headers, flags, rawHeaders);
  });
}
