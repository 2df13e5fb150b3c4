/**
 * The service as an attacker finds it: the real server process on loopback, probed with
 * connections that reset, idle, drip, squat on streams and reset them as fast as they can.
 * Attacks come from 127.0.0.2 and up, the normal caller from 127.0.0.1, so that per-address
 * accounting can tell them apart as it would hosts. Each case asserts that the process
 * stays up, that a normal call made on a new connection is answered within a second during
 * and after the attack, and, at the end, that memory went back to where it was.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http2 from "node:http2";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { policyClients, bearer } from "../../harness/connect-clients.js";
import { memoryAfterGc } from "../../harness/memory-reading.js";
import { repositoryPath } from "../../harness/repository.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { frameFloodAttack, type Flood } from "../support/frame-flood-attack.js";
import { healthCheck, healthWatch } from "../support/health-calls.js";
import { rapidResetAttack } from "../support/rapid-reset-attack.js";
import { connectRawHttp2, FLAG, FRAME, frame, headerBlock, serverSettings } from "../support/raw-http2.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { freshDatabaseUrl } from "../support/test-database.js";
import { waitFor } from "../support/wait-for.js";

/** Each attack comes from an address of its own, so that one cut off does not spoil the next. */
const attacker = (() => {
  let last = 1;
  return () => `127.0.0.${++last}`;
})();
const LIMITS = {
  LPS_HEADERS_TIMEOUT_MS: "1000",
  LPS_REQUEST_TIMEOUT_MS: "2000",
  LPS_IDLE_TIMEOUT_MS: "2000",
  LPS_MAX_CONNECTIONS: "200",
  LPS_MAX_CONNECTIONS_PER_ADDRESS: "40",
  LPS_MAX_CONCURRENT_STREAMS: "100",
  LPS_MAX_STREAMING_CALLS: "50",
  LPS_MAX_RESETS_PER_MINUTE: "100",
  LPS_MAX_CONNECTION_BYTES_PER_SECOND: String(8 * 1024 * 1024),
};

let server: ServerProcess;
let port: number;
let baseline: NodeJS.MemoryUsage;

beforeAll(async () => {
  server = await startServerProcess({ ...LIMITS, LPS_HOST: "127.0.0.1", LPS_DATABASE_URL: await freshDatabaseUrl() }, [], {
    execArgv: ["--expose-gc", "--import", repositoryPath("dist/harness/memory-probe.js")],
    ipc: true,
  });
  port = Number(new URL(server.url).port);
  await normalCall();
  baseline = await memoryAfterGc(server.child);
});

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

/** A caller's read of the default policy over gRPC, on a connection of its own; its time in ms. */
async function normalCall(): Promise<number> {
  const started = performance.now();
  const { admin } = policyClients("grpc", server.url, bearer(server.adminToken));
  const answer = await admin.getLoginPolicy({}, { timeoutMs: 5000 });
  expect(answer.policy?.details?.resourceOwner).toBeTruthy();
  return performance.now() - started;
}

/** Normal calls, one after another, while `attack` runs; each must be answered within a second. */
async function callsDuring(attack: Promise<unknown>): Promise<void> {
  let done = false;
  const attacked = attack.finally(() => (done = true));
  const times: number[] = [];
  while (!done) {
    times.push(await normalCall());
    await sleep(50);
  }
  await attacked;
  times.push(await normalCall());
  expect(Math.max(...times)).toBeLessThan(1000);
}

function connectFrom(address: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress: address }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Resolves with how long the server took to close the socket, in ms. */
function closedBy(socket: net.Socket): Promise<number> {
  const started = performance.now();
  socket.on("error", () => {});
  // Reading what the server sends is how its closing the connection is seen.
  socket.resume();
  if (socket.closed) return Promise.resolve(0);
  return new Promise((resolve) => socket.once("close", () => resolve(performance.now() - started)));
}

function expectStillUp(): void {
  expect(server.child.exitCode).toBeNull();
  expect(server.output()).not.toMatch(/escaped every handler/);
}

/** The header block of a gRPC request for the path, as a raw HTTP/2 client sends it. */
function grpcRequest(path: string): Buffer {
  return headerBlock([
    [":method", "POST"],
    [":scheme", "http"],
    [":authority", "localhost"],
    [":path", path],
    ["content-type", "application/grpc"],
  ]);
}

describe("connections that reset", () => {
  it("survives clients that reset before sending anything, or after one byte", async () => {
    await callsDuring(
      (async () => {
        const from = attacker();
        for (let round = 0; round < 200; round++) {
          const socket = await connectFrom(from);
          if (round % 2) socket.write("P");
          socket.resetAndDestroy();
        }
      })(),
    );
    expectStillUp();
  });
});

describe("idle and slow connections", () => {
  it("closes connections that send a byte and stop, and makes room for callers past the cap", async () => {
    // More squatters than the connection cap, from five addresses, each filling its own cap:
    // new callers still get in.
    const addresses = Array.from({ length: 5 }, attacker);
    const squatters = (await Promise.all(addresses.map((from) => Promise.all(Array.from({ length: 60 }, () => connectFrom(from)))))).flat();
    const closed = squatters.map((socket) => {
      socket.write("G");
      return closedBy(socket);
    });
    await callsDuring(Promise.all(closed));
    for (const ms of await Promise.all(closed)) expect(ms).toBeLessThan(5000);
    expectStillUp();
  });

  it("answers HTTP/1.1 headers that never end with 408 and closes", async () => {
    const socket = await connectFrom(attacker());
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.write("GET /ready HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
    const drip = setInterval(() => socket.write("a"), 200);
    await callsDuring(closedBy(socket)).finally(() => clearInterval(drip));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it("closes an HTTP/1.1 request whose body drips in slower than the request timeout allows", async () => {
    const socket = await connectFrom(attacker());
    socket.write(
      "POST /zitadel.admin.v1.AdminService/GetLoginPolicy HTTP/1.1\r\nHost: localhost\r\n" +
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
    );
    const drip = setInterval(() => socket.write(" "), 300);
    const ms = await closedBy(socket).finally(() => clearInterval(drip));
    // Node checks every 250 ms; the request timeout is 2 s.
    expect(ms).toBeLessThan(4000);
  });

  it("closes an HTTP/1.1 connection that sends requests far ahead of reading their answers", async () => {
    const from = attacker();
    const socket = await connectFrom(from);
    socket.pause();
    socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(10_000));
    await callsDuring(sleep(500));
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    expect(await closedBy(socket)).toBeLessThan(1000);
    // The server answered no more than it allows ahead, and then closed the connection.
    expect(received.split("HTTP/1.1 200").length - 1).toBeLessThanOrEqual(32);
    const warned = () => server.output().split("\n").some((line) => line.includes("ahead of their answers") && line.includes(`"address":"${from}"`));
    await waitFor(warned, "the warning");
    expectStillUp();
  });

  it("closes an HTTP/2 connection that sends its preface and nothing else", async () => {
    const connection = await connectRawHttp2(port, attacker());
    const ms = await closedBy(connection.socket);
    expect(ms).toBeLessThan(3000);
  });

  it("resets an HTTP/2 stream whose body never comes, and closes the session once idle", async () => {
    const session = http2.connect(server.url, { localAddress: attacker() } as http2.SecureClientSessionOptions);
    session.on("error", () => {});
    const stream = session.request({
      ":method": "POST",
      ":path": "/zitadel.admin.v1.AdminService/GetLoginPolicy",
      "content-type": "application/grpc",
    });
    stream.on("error", () => {});
    const rstCode = await new Promise<number>((resolve) => stream.once("close", () => resolve(stream.rstCode)));
    expect(rstCode).toBe(http2.constants.NGHTTP2_CANCEL);
    const sessionClosed = await new Promise<boolean>((resolve) => {
      session.once("close", () => resolve(true));
      setTimeout(() => resolve(false), 6000);
    });
    expect(sessionClosed).toBe(true);
  });
});

describe("one address's connections", () => {
  /** A new HTTP/2 session from the address. */
  const sessionFrom = (from: string) => {
    const session = http2.connect(server.url, { localAddress: from } as http2.SecureClientSessionOptions);
    session.on("error", () => {});
    return session;
  };

  it("are capped while each has a call in progress, so that one address cannot take every place", async () => {
    const from = attacker();
    // As many connections as the address may hold, each with a watch open: none is pending
    // or idle, so none makes room for the next.
    const held = Array.from({ length: 40 }, () => sessionFrom(from));
    const watches = await Promise.all(held.map(healthWatch));
    expect(watches.map((w) => w.status)).toEqual(held.map(() => "open"));
    const refused = Array.from({ length: 10 }, () => sessionFrom(from));
    expect(await Promise.all(refused.map(healthCheck))).toEqual(refused.map(() => "failed"));
    await normalCall();
    const warnings = () => server.output().split("\n").filter((line) => line.includes("as many connections as one may"));
    await waitFor(() => warnings().length > 0, "the warning");
    expect(warnings()).toHaveLength(1);
    expect(JSON.parse(warnings()[0]!)).toMatchObject({ level: 40, address: from, max: 40 });
    // One of them closed, the address may connect again.
    held[0]!.destroy();
    await waitFor(async () => {
      const session = sessionFrom(from);
      const status = await healthCheck(session);
      session.destroy();
      return status === "0";
    }, "a new connection from the address served");
    for (const session of [...held, ...refused]) session.destroy();
    expectStillUp();
  });

  it("make room with the one quiet longest: a connection idle since its call, told to go away, before a new one", async () => {
    const from = attacker();
    const idle = Array.from({ length: 39 }, () => sessionFrom(from));
    for (const session of idle) expect(await healthCheck(session)).toBe("0");
    const goneAway = new Promise<number>((resolve) => idle[0]!.once("goaway", resolve));
    // The 40th connects and has yet to call when the 41st comes.
    const connected = async () => {
      const session = sessionFrom(from);
      await new Promise((resolve) => session.once("connect", resolve));
      await sleep(100);
      return session;
    };
    const newcomer = await connected();
    const next = await connected();
    expect(await goneAway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    expect(await healthCheck(newcomer)).toBe("0");
    expect(await healthCheck(next)).toBe("0");
    // The others are still open: the first made room.
    expect(idle.slice(1).every((session) => !session.closed && !session.destroyed)).toBe(true);
    for (const session of [...idle, newcomer, next]) session.destroy();
  });

  it("make room among the address's own connections that have not sent a request", async () => {
    // More squatters than the address may hold: a caller from the same address (a host
    // behind the same NAT) still gets in, in place of the oldest of them.
    const from = attacker();
    const squatters = await Promise.all(Array.from({ length: 100 }, () => connectFrom(from)));
    const closed = squatters.map(closedBy);
    const session = sessionFrom(from);
    expect(await healthCheck(session)).toBe("0");
    session.destroy();
    for (const socket of squatters) socket.destroy();
    await Promise.all(closed);
    expectStillUp();
  });
});

describe("streams", () => {
  it("advertises MAX_CONCURRENT_STREAMS and closes a connection that keeps opening more", async () => {
    const connection = await connectRawHttp2(port, attacker());
    await waitFor(() => connection.frames.some((f) => f.type === FRAME.SETTINGS && !(f.flags & FLAG.ACK)), "the server's SETTINGS");
    const SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    expect(serverSettings(connection).get(SETTINGS_MAX_CONCURRENT_STREAMS)).toBe(100);
    const headers = grpcRequest("/zitadel.admin.v1.AdminService/GetLoginPolicy");
    // 20,000 streams, none ever finished, ignoring the limit.
    for (let batch = 0; batch < 40 && !connection.socket.destroyed; batch++) {
      const frames = Array.from({ length: 500 }, (_, i) => frame(FRAME.HEADERS, FLAG.END_HEADERS, 2 * (batch * 500 + i) + 1, headers));
      connection.send(...frames);
      await sleep(10);
    }
    await connection.closed;
    expect(connection.frames.some((f) => f.type === FRAME.GOAWAY)).toBe(true);
    expectStillUp();
    await normalCall();
  });

  it("caps open streaming calls and frees their places when they end", async () => {
    const from = attacker();
    const sessions = Array.from({ length: 3 }, () => http2.connect(server.url, { localAddress: from } as http2.SecureClientSessionOptions));
    for (const session of sessions) session.on("error", () => {});
    const watches = await Promise.all(sessions.flatMap((session) => Array.from({ length: 90 }, () => healthWatch(session))));
    const open = watches.filter((w) => w.status === "open");
    expect(open).toHaveLength(50);
    expect(watches.filter((w) => w.status === "8")).toHaveLength(220);
    for (const session of sessions) session.destroy();
    await sleep(200);
    // Their places are free again.
    const again = http2.connect(server.url);
    const next = await healthWatch(again);
    expect(next.status).toBe("open");
    again.destroy();
    expectStillUp();
  });
});

describe("rapid reset", () => {
  it("cuts off an address that resets streams as fast as it opens them, while others are served", async () => {
    await callsDuring(rapidResetAttack(server.url, attacker(), 4000));
    expectStillUp();
    // A warning says what happened, once per cut-off, not a line per stream.
    const warnings = server.output().split("\n").filter((line) => line.includes("reset too many streams"));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThan(50);
  });

  it("cuts off an address while its connection holds answered watches, and frees their places", async () => {
    const connection = await connectRawHttp2(port, attacker());
    const watches = Array.from({ length: 40 }, (_, i) => 2 * i + 1);
    connection.send(
      ...watches.flatMap((id) => [frame(FRAME.HEADERS, FLAG.END_HEADERS, id, grpcRequest("/grpc.health.v1.Health/Watch")), frame(FRAME.DATA, FLAG.END_STREAM, id, Buffer.alloc(5))]),
    );
    const answered = () => new Set(connection.frames.filter((f) => f.type === FRAME.DATA).map((f) => f.streamId)).size;
    await waitFor(() => answered() === watches.length, "every watch's first status");
    // In one write, 150 streams opened and reset before their answer: over the budget of 100.
    const cancel = Buffer.alloc(4);
    cancel.writeUInt32BE(http2.constants.NGHTTP2_CANCEL);
    const resets = Array.from({ length: 150 }, (_, i) => 2 * (watches.length + i) + 1);
    connection.send(
      ...resets.flatMap((id) => [frame(FRAME.HEADERS, FLAG.END_HEADERS, id, grpcRequest("/zitadel.admin.v1.AdminService/GetLoginPolicy")), frame(FRAME.RST_STREAM, 0, id, cancel)]),
    );
    await connection.closed;
    const goaway = connection.frames.find((f) => f.type === FRAME.GOAWAY);
    expect(goaway?.payload.readUInt32BE(4)).toBe(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    // The watches ended with their connection: another client gets every place (50).
    const session = http2.connect(server.url);
    const opened = await Promise.all(Array.from({ length: 50 }, () => healthWatch(session)));
    expect(opened.filter((w) => w.status === "open")).toHaveLength(50);
    session.destroy();
    expectStillUp();
  });
});

describe("frame floods", () => {
  async function flooded(flood: Flood, from: string): Promise<void> {
    const attack = frameFloodAttack(port, from, flood, 3000);
    await callsDuring(attack);
    expect((await attack).closedByServer).toBe(true);
    expectStillUp();
  }

  it.each<Flood>(["ping", "settings", "empty-data", "continuation"])("closes a connection that floods it with %s frames, while others are served", async (flood) => {
    await flooded(flood, attacker());
  });

  // Frames nghttp2 reads as fast as they come: the connection's bytes a second close it.
  it.each<Flood>(["window-update", "priority"])("closes a connection that floods it with %s frames, for its bytes a second, and says so", async (flood) => {
    const from = attacker();
    await flooded(flood, from);
    const warned = () => server.output().split("\n").some((line) => line.includes("more bytes in a second") && line.includes(`"address":"${from}"`));
    await waitFor(warned, "the warning that names the address");
  });
});

describe("streams cancelled after their answer began", () => {
  // Watchers closing together (a console's tabs, a replica's clients at a redeploy) reset
  // streams the server answered long ago: no attack, and not counted as one.
  it("are not counted as resets: an address that cancels more of them than its budget is still served", async () => {
    const from = attacker();
    const sessions = Array.from({ length: 4 }, () => http2.connect(server.url, { localAddress: from } as http2.SecureClientSessionOptions));
    for (const session of sessions) session.on("error", () => {});
    // Three rounds of 40 watches each, all open, then all cancelled: 120 resets, over the 100 a minute.
    for (let round = 0; round < 3; round++) {
      const watches = await Promise.all(sessions.flatMap((session) => Array.from({ length: 10 }, () => healthWatch(session))));
      expect(watches.filter((w) => w.status === "open")).toHaveLength(40);
      for (const { stream } of watches) stream.close(http2.constants.NGHTTP2_CANCEL);
      await sleep(100);
    }
    for (const session of sessions) session.destroy();
    // Not cut off: a new connection from the address is served.
    const again = http2.connect(server.url, { localAddress: from } as http2.SecureClientSessionOptions);
    again.on("error", () => {});
    expect((await healthWatch(again)).status).toBe("open");
    again.destroy();
    expect(server.output()).not.toContain(`"address":"${from}"`);
    expectStillUp();
  });
});

describe("after the attacks", () => {
  it("holds no more memory than before them, give or take", async () => {
    await sleep(3000); // idle sessions time out
    const after = await memoryAfterGc(server.child);
    expect(after.heapUsed).toBeLessThan(baseline.heapUsed + 16 * 1024 * 1024);
    expect(after.rss).toBeLessThan(baseline.rss + 96 * 1024 * 1024);
    expectStillUp();
  });
});
