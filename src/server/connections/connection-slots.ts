/**
 * A cap on open connections. Connections that have not yet sent a complete request are
 * "pending": idle sockets opened by scanners, slow clients and attackers look like this,
 * while a client being served does not. At the cap, a new connection closes the oldest
 * pending one to make room, so that a flood of half-open connections cannot lock real
 * callers out; only when every connection is in use is the new one refused.
 */
import type net from "node:net";

export class ConnectionSlots {
  /** Pending connections, oldest first (a Set keeps insertion order). */
  private readonly pending = new Set<net.Socket>();
  private readonly open = new Set<net.Socket>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.open.size;
  }

  /** Takes the socket in, making room if needed; false (and the socket destroyed) if there is none. */
  admit(socket: net.Socket): boolean {
    if (this.open.size >= this.max) {
      const oldest = this.pending.values().next().value;
      if (!oldest) {
        socket.destroy();
        return false;
      }
      this.forget(oldest);
      oldest.destroy();
    }
    this.open.add(socket);
    this.pending.add(socket);
    socket.once("close", () => this.forget(socket));
    return true;
  }

  /** The connection sent a complete request: it is a client, not a squatter. */
  served(socket: net.Socket): void {
    this.pending.delete(socket);
  }

  /** Every open connection, to cut at shutdown. */
  all(): Iterable<net.Socket> {
    return this.open;
  }

  private forget(socket: net.Socket): void {
    this.open.delete(socket);
    this.pending.delete(socket);
  }
}
