/**
 * Which HTTP/1.1 connections are between requests, so that shutdown closes them at once
 * instead of waiting out its grace period for clients that keep connections alive (browsers,
 * fetch, curl with keep-alive) and may never send another request.
 *
 * Node's HTTP server has closeIdleConnections() for this, but it knows only the connections
 * of servers that listen themselves; this one is handed its connections by the listener.
 */
import type http from "node:http";
import type net from "node:net";

export class Http1Idle {
  private readonly open = new Set<net.Socket>();
  private readonly answering = new Set<net.Socket>();

  /** A connection handed to the HTTP/1.1 server. */
  connected(socket: net.Socket): void {
    this.open.add(socket);
    socket.once("close", () => {
      this.open.delete(socket);
      this.answering.delete(socket);
    });
  }

  /** A request arrived: its connection is busy until the answer is sent. */
  request(req: http.IncomingMessage, res: http.ServerResponse): void {
    const socket = req.socket;
    this.answering.add(socket);
    res.once("close", () => this.answering.delete(socket));
  }

  /** Closes the connections with no request being answered. */
  closeIdle(): void {
    for (const socket of this.open) if (!this.answering.has(socket)) socket.destroy();
  }
}
