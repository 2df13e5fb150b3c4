/**
 * Caps on open connections: on all of them, and on those of one client address, so that one
 * address cannot hold every place. At a cap, a new connection makes room by closing, under
 * that cap (among its address's connections, or anyone's), the connection with no call in
 * progress for the longest:
 * - one that never sent a request (a scanner's, a slow client's, an attacker's idle socket)
 *   is destroyed: a flood of half-open connections cannot lock real callers out, and a new
 *   connection that has yet to send its first request is the last to go;
 * - one served before (a keep-alive connection between requests, an HTTP/2 session with no
 *   stream open) is told so as its protocol allows (HTTP/2: GOAWAY), and its client
 *   connects again when it next calls.
 * A connection with a call in progress is never closed to make room: only when every one
 * under the cap has a call in progress is the new one refused.
 */
import type net from "node:net";

/**
 * Why a connection was refused: every place is in use, or every place its address may hold;
 * `newly` when that address was not refused since it last held fewer.
 */
export type Refusal = { readonly limit: "connections" } | { readonly limit: "connections_per_address"; readonly newly: boolean };

interface Slot {
  readonly address: string;
  /** Calls in progress on the connection. */
  calls: number;
  /** Whether it has not sent a request yet. */
  pending: boolean;
  /** Since when (performance.now()) it has had no call in progress. */
  quietSince: number;
  /** How to close it once it is served and quiet. */
  close: () => void;
}

interface AddressConnections {
  /** The address's open connections, oldest first. */
  readonly open: Set<net.Socket>;
  /** Whether a connection of the address was refused since it last held fewer than its cap. */
  refusing: boolean;
}

export class ConnectionSlots {
  private readonly slots = new Map<net.Socket, Slot>();
  /** Connections with no call in progress, quiet longest first (a Set keeps insertion order). */
  private readonly quiet = new Set<net.Socket>();
  private readonly byAddress = new Map<string, AddressConnections>();

  constructor(
    private readonly max: number,
    /** Connections one address may hold; 0 for no cap of its own. */
    private readonly maxPerAddress: number,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  /**
   * Takes the socket in, from the client `address` (as limits per address count it), making
   * room if needed; a refusal (and the socket destroyed) if there is none.
   */
  admit(socket: net.Socket, address: string): Refusal | undefined {
    const own = this.byAddress.get(address);
    if (own && this.maxPerAddress > 0 && own.open.size >= this.maxPerAddress) {
      if (!this.makeRoom(this.quietestOf(own.open))) {
        socket.destroy();
        const newly = !own.refusing;
        own.refusing = true;
        return { limit: "connections_per_address", newly };
      }
    } else if (this.slots.size >= this.max && !this.makeRoom(this.quiet.values().next().value)) {
      socket.destroy();
      return { limit: "connections" };
    }
    this.slots.set(socket, { address, calls: 0, pending: true, quietSince: performance.now(), close: () => socket.destroy() });
    this.quiet.add(socket);
    const entry = own ?? { open: new Set<net.Socket>(), refusing: false };
    entry.open.add(socket);
    this.byAddress.set(address, entry);
    socket.once("close", () => this.forget(socket));
    return undefined;
  }

  /** How to close the connection once it is served and quiet (an HTTP/2 session says GOAWAY); else the socket is destroyed. */
  closeWith(socket: net.Socket, close: () => void): void {
    const slot = this.slots.get(socket);
    if (slot) slot.close = close;
  }

  /**
   * A call began on the connection: it is a client, not a squatter, and busy until the call
   * ends. Returns the calls now in progress on it.
   */
  callStarted(socket: net.Socket): number {
    const slot = this.slots.get(socket);
    if (!slot) return 0;
    slot.pending = false;
    this.quiet.delete(socket);
    return ++slot.calls;
  }

  callEnded(socket: net.Socket): void {
    const slot = this.slots.get(socket);
    if (!slot || --slot.calls > 0) return;
    slot.quietSince = performance.now();
    this.quiet.add(socket);
  }

  /** Closes every connection with no call in progress (at shutdown). */
  closeQuiet(): void {
    for (const socket of [...this.quiet]) this.close(socket);
  }

  /** The client address the connection was admitted under (as limits per address count it). */
  addressOf(socket: net.Socket): string | undefined {
    return this.slots.get(socket)?.address;
  }

  /** Every open connection, to cut at shutdown. */
  all(): Iterable<net.Socket> {
    return this.slots.keys();
  }

  /** Of `sockets`, the one with no call in progress for the longest, if any has none. */
  private quietestOf(sockets: Iterable<net.Socket>): net.Socket | undefined {
    let quietest: net.Socket | undefined;
    let since = Infinity;
    for (const socket of sockets) {
      const slot = this.slots.get(socket)!;
      if (slot.calls === 0 && slot.quietSince < since) [quietest, since] = [socket, slot.quietSince];
    }
    return quietest;
  }

  /** Closes `socket`, if there is one, to make room; whether there was. */
  private makeRoom(socket: net.Socket | undefined): boolean {
    if (!socket) return false;
    this.close(socket);
    return true;
  }

  private close(socket: net.Socket): void {
    const slot = this.slots.get(socket);
    if (!slot) return;
    this.forget(socket);
    // A connection that never sent a request is owed no goodbye.
    if (slot.pending) socket.destroy();
    else slot.close();
  }

  private forget(socket: net.Socket): void {
    const slot = this.slots.get(socket);
    if (!slot) return;
    this.slots.delete(socket);
    this.quiet.delete(socket);
    const own = this.byAddress.get(slot.address);
    if (!own) return;
    own.open.delete(socket);
    if (own.open.size === 0) this.byAddress.delete(slot.address);
    else if (own.open.size < this.maxPerAddress) own.refusing = false;
  }
}
