/**
 * Deadlines on HTTP/1.1 connections: the headers of each request must have arrived within
 * the headers timeout (counted from the connection's start, or from the end of the last
 * response, plus the idle time allowed between requests), and the whole request, body
 * included, within the request timeout. A client too slow for either gets 408 Request
 * Timeout if no answer has begun, and the connection is closed.
 *
 * Node's HTTP server has such timeouts of its own, but it checks them only for servers that
 * listen themselves; this one is handed connections by the listener.
 */
import type http from "node:http";
import type net from "node:net";

export interface Http1Limits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

const TIMED_OUT = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

export class Http1Deadlines {
  private readonly timers = new WeakMap<net.Socket, NodeJS.Timeout>();

  constructor(private readonly limits: Http1Limits) {}

  /** A connection handed to the HTTP/1.1 server: its first request's headers are due. */
  connected(socket: net.Socket): void {
    this.due(socket, this.limits.headersTimeoutMs, () => timedOut(socket));
    socket.once("close", () => clearTimeout(this.timers.get(socket)));
  }

  /** A request's headers arrived: now its body is due, and after its answer the next request. */
  request(req: http.IncomingMessage, res: http.ServerResponse): void {
    const socket = req.socket;
    this.due(socket, this.limits.requestTimeoutMs, () => {
      if (req.complete) return;
      if (res.headersSent) socket.destroy();
      else timedOut(socket);
    });
    res.once("finish", () => {
      if (!socket.destroyed) this.due(socket, this.limits.idleTimeoutMs + this.limits.headersTimeoutMs, () => timedOut(socket));
    });
  }

  private due(socket: net.Socket, ms: number, onLate: () => void): void {
    clearTimeout(this.timers.get(socket));
    this.timers.set(socket, setTimeout(onLate, ms));
  }
}

function timedOut(socket: net.Socket): void {
  if (socket.destroyed) return;
  socket.end(TIMED_OUT);
  // A client that does not read its answer is not waited for.
  setTimeout(() => socket.destroy(), 1000).unref();
}
