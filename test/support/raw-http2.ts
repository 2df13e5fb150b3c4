/**
 * HTTP/2 written frame by frame, for what a well-behaved client library will not send:
 * more streams than the server allows, headers without a body that ever comes. Headers are
 * HPACK literals without indexing or Huffman coding (RFC 7541, 6.2.2), which every decoder
 * must accept.
 */
import net from "node:net";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export const FRAME = { DATA: 0x0, HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7 } as const;
export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;

export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([header, payload]);
}

/** An HPACK integer with an N-bit prefix (RFC 7541, 5.1). */
function hpackInteger(value: number, prefixBits: number, firstByte = 0): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([firstByte | value]);
  const bytes = [firstByte | max];
  for (value -= max; value >= 128; value >>= 7) bytes.push((value & 0x7f) | 0x80);
  bytes.push(value);
  return Buffer.from(bytes);
}

export function headerBlock(headers: readonly (readonly [string, string])[]): Buffer {
  return Buffer.concat(
    headers.flatMap(([name, value]) => [
      Buffer.from([0x00]),
      hpackInteger(Buffer.byteLength(name), 7),
      Buffer.from(name),
      hpackInteger(Buffer.byteLength(value), 7),
      Buffer.from(value),
    ]),
  );
}

export interface RawHttp2Connection {
  readonly socket: net.Socket;
  /** Frames received so far, decoded to type, flags, stream and payload. */
  readonly frames: { type: number; flags: number; streamId: number; payload: Buffer }[];
  send(...frames: Buffer[]): void;
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;
}

/** Connects, sends the preface and empty SETTINGS, and acknowledges the server's SETTINGS. */
export function connectRawHttp2(port: number, localAddress = "127.0.0.1"): Promise<RawHttp2Connection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress });
    const frames: RawHttp2Connection["frames"] = [];
    let buffered = Buffer.alloc(0);
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 9) {
        const length = buffered.readUIntBE(0, 3);
        if (buffered.length < 9 + length) break;
        const received = {
          type: buffered.readUInt8(3),
          flags: buffered.readUInt8(4),
          streamId: buffered.readUInt32BE(5) & 0x7fffffff,
          payload: buffered.subarray(9, 9 + length),
        };
        buffered = buffered.subarray(9 + length);
        frames.push(received);
        if (received.type === FRAME.SETTINGS && !(received.flags & FLAG.ACK)) socket.write(frame(FRAME.SETTINGS, FLAG.ACK, 0));
      }
    });
    socket.once("connect", () => {
      socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0)]));
      resolve({ socket, frames, send: (...out) => socket.write(Buffer.concat(out)), closed });
    });
    socket.once("error", reject);
  });
}

/** The SETTINGS the server sent first, by identifier (RFC 9113, 6.5.2). */
export function serverSettings(connection: RawHttp2Connection): Map<number, number> {
  const settings = new Map<number, number>();
  const first = connection.frames.find((f) => f.type === FRAME.SETTINGS && !(f.flags & FLAG.ACK));
  for (let offset = 0; first && offset + 6 <= first.payload.length; offset += 6) {
    settings.set(first.payload.readUInt16BE(offset), first.payload.readUInt32BE(offset + 2));
  }
  return settings;
}
