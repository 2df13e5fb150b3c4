/**
 * A loopback TCP relay in front of PostgreSQL that counts the round trips its clients make:
 * the frontend messages that make the server answer, Sync (the end of an extended-protocol
 * statement: Parse/Bind/Execute/Sync) and Query (a simple-protocol statement). Nothing is
 * changed on the way; a server process pointed at the relay is the real one on the real
 * database, with its statements counted.
 */
import { createServer, connect, type Server, type Socket } from "node:net";

/** The protocol's request to start TLS; the client sends its startup message after it. */
const SSL_REQUEST_CODE = 80877103;

export class PostgresWireTap {
  private roundTrips = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The database URL with its host and port replaced by the relay's. */
    readonly url: string,
  ) {}

  static async start(databaseUrl: string): Promise<PostgresWireTap> {
    const target = new URL(databaseUrl);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const relayed = new URL(databaseUrl);
    relayed.hostname = "127.0.0.1";
    relayed.port = String((server.address() as { port: number }).port);
    const tap = new PostgresWireTap(server, relayed.toString());
    server.on("connection", (client) => tap.relay(client, target.hostname, Number(target.port)));
    return tap;
  }

  /** Round trips since the last call. */
  take(): number {
    const count = this.roundTrips;
    this.roundTrips = 0;
    return count;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket, host: string, port: number): void {
    const server = connect(port, host);
    for (const socket of [client, server]) {
      this.sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        this.sockets.delete(socket);
        client.destroy();
        server.destroy();
      });
    }
    server.on("data", (chunk: Buffer) => client.write(chunk));
    const counter = new FrontendMessages((type) => {
      if (type === "S" || type === "Q") this.roundTrips++;
    });
    client.on("data", (chunk: Buffer) => {
      counter.push(chunk);
      server.write(chunk);
    });
  }
}

/** Splits a client's byte stream into messages: untyped ones until the startup message, then typed. */
class FrontendMessages {
  private buffered = Buffer.alloc(0);
  private started = false;

  constructor(private readonly onMessage: (type: string) => void) {}

  push(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const header = this.started ? 5 : 8;
      if (this.buffered.length < header) return;
      const length = this.started ? 1 + this.buffered.readInt32BE(1) : this.buffered.readInt32BE(0);
      if (this.buffered.length < length) return;
      if (this.started) this.onMessage(String.fromCharCode(this.buffered[0]!));
      else this.started = this.buffered.readInt32BE(4) !== SSL_REQUEST_CODE;
      this.buffered = this.buffered.subarray(length);
    }
  }
}
