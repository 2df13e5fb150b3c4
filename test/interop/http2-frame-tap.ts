/**
 * A TCP relay between the clients and the server that reads the HTTP/2 frames passing
 * through (without changing a byte), to see what clients cannot tell: how many
 * connections a client opened, how many bytes it sent, the keepalive pings it sent and the
 * server's answers, and whether the server sent GOAWAY.
 */
import net from "node:net";

/** The client's connection preface (RFC 9113, 3.4), before its first frame. */
const PREFACE_LENGTH = 24;
const FRAME_HEADER_LENGTH = 9;
const RST_STREAM = 0x3;
const PING = 0x6;
const GOAWAY = 0x7;
const ACK = 0x1;

export interface TapCounts {
  /** Connections the clients opened. */
  connections: number;
  /** Bytes the clients sent. */
  clientBytes: number;
  /** PING frames from clients (not acknowledgements). */
  clientPings: number;
  /** PING acknowledgements from the server. */
  serverPingAcks: number;
  /** RST_STREAM frames from the server. */
  serverResets: number;
  /** GOAWAY frames from the server, before the client sent its own. */
  serverGoaways: number;
}

export interface FrameTap {
  /** "127.0.0.1:port", where clients connect instead of the server. */
  readonly target: string;
  readonly counts: TapCounts;
  close(): Promise<void>;
}

/** Calls `onFrame` with the type and flags of every frame in the byte stream, after `skip` bytes. */
function frameReader(skip: number, onFrame: (type: number, flags: number) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let toSkip = skip;
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (toSkip > 0) {
        const skipped = Math.min(toSkip, pending.length);
        pending = pending.subarray(skipped);
        toSkip -= skipped;
        if (toSkip > 0) return;
      }
      if (pending.length < FRAME_HEADER_LENGTH) return;
      onFrame(pending.readUInt8(3), pending.readUInt8(4));
      toSkip = FRAME_HEADER_LENGTH + pending.readUIntBE(0, 3);
    }
  };
}

export async function startFrameTap(serverPort: number): Promise<FrameTap> {
  const counts: TapCounts = { connections: 0, clientBytes: 0, clientPings: 0, serverPingAcks: 0, serverResets: 0, serverGoaways: 0 };
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // Either side may reset: the relay ends both and lives on.
    socket.on("error", () => socket.destroy());
  };
  const relay = net.createServer((client) => {
    counts.connections++;
    const server = net.connect(serverPort, "127.0.0.1");
    track(client);
    track(server);
    // A server may answer a client's GOAWAY with its own: only one it sends first counts.
    let clientWentAway = false;
    const fromClient = frameReader(PREFACE_LENGTH, (type, flags) => {
      if (type === PING && !(flags & ACK)) counts.clientPings++;
      if (type === GOAWAY) clientWentAway = true;
    });
    const fromServer = frameReader(0, (type, flags) => {
      if (type === PING && flags & ACK) counts.serverPingAcks++;
      if (type === RST_STREAM) counts.serverResets++;
      if (type === GOAWAY && !clientWentAway) counts.serverGoaways++;
    });
    client.on("data", (chunk: Buffer) => {
      counts.clientBytes += chunk.length;
      fromClient(chunk);
    });
    server.on("data", fromServer);
    client.pipe(server);
    server.pipe(client);
    client.once("close", () => server.destroy());
    server.once("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const { port } = relay.address() as net.AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        relay.close(() => resolve());
      }),
  };
}
