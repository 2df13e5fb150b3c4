/**
 * A loopback TCP relay in front of PostgreSQL that counts the round trips its clients make.
 * A statement ends with a frontend message that makes the server answer: Sync (the end of
 * an extended-protocol statement: Parse/Bind/Execute/Sync) or Query (a simple-protocol
 * one), and the server's answer ends with ReadyForQuery. A round trip is a statement sent
 * on a connection whose every statement has been answered (the client may have waited for
 * those answers); statements sent while some are still unanswered (pipelined) ride on the
 * round trip of the first. Nothing is changed on the way; a server process pointed at the
 * relay is the real one on the real database, with its round trips counted.
 *
 * Both directions are split into messages; the relay expects plain connections (no TLS,
 * whose one-byte answer to the request for it is not a message).
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
    // Statements sent on this connection and not answered yet; the startup message is
    // answered by a ReadyForQuery too, once the session is ready.
    let unanswered = 1;
    const answers = new Messages(true, (type) => {
      if (type === "Z") unanswered--;
    });
    server.on("data", (chunk: Buffer) => {
      answers.push(chunk);
      client.write(chunk);
    });
    const statements = new Messages(false, (type) => {
      if (type !== "S" && type !== "Q") return;
      if (unanswered === 0) this.roundTrips++;
      unanswered++;
    });
    client.on("data", (chunk: Buffer) => {
      statements.push(chunk);
      server.write(chunk);
    });
  }
}

/**
 * Splits a byte stream into messages: a client's is untyped until its startup message, then
 * typed; a server's is typed from the start.
 */
class Messages {
  private buffered = Buffer.alloc(0);

  constructor(
    private started: boolean,
    private readonly onMessage: (type: string) => void,
  ) {}

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
