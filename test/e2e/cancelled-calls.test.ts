/**
 * A call its client cancels (an HTTP/2 stream reset, an HTTP/1.1 connection closed before
 * the body ended) is the client's choice, not a fault: it is logged as Canceled at debug
 * level, with no stack and no error ID, and never as Internal.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http2 from "node:http2";
import net from "node:net";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { envelope } from "../support/raw-rpc.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { waitFor } from "../support/wait-for.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ LPS_LOG_LEVEL: "debug" });
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

const GET_POLICY = "/zitadel.admin.v1.AdminService/GetLoginPolicy";
const WATCH = "/grpc.health.v1.Health/Watch";

function callLines(rpc: string): Record<string, unknown>[] {
  return server.logs.filter((line) => line.msg === "rpc" && line.rpc === rpc);
}

function expectNoFault(): void {
  expect(server.logs.filter((line) => (line.level as number) >= 50)).toEqual([]);
  expect(server.logs.filter((line) => line.code === "Internal")).toEqual([]);
}

describe("a cancelled call", () => {
  it("over gRPC, reset by its client mid-stream, is logged as Canceled at debug", async () => {
    const before = callLines(WATCH).length;
    const session = http2.connect(server.url);
    const stream = session.request({ ":method": "POST", ":path": WATCH, "content-type": "application/grpc", te: "trailers" });
    stream.on("error", () => {});
    stream.end(envelope(0, new Uint8Array()));
    // The first status update proves the call is running on the server.
    await new Promise((resolve) => stream.once("data", resolve));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    const line = await waitFor(() => callLines(WATCH)[before], "the Watch call's log line");
    session.close();
    expect(line).toMatchObject({ code: "Canceled", level: 20 });
    expect(line).not.toHaveProperty("err");
    expectNoFault();
  });

  it("over Connect on HTTP/1.1, whose client hangs up before the body ends, is logged as Canceled at debug", async () => {
    const before = callLines(GET_POLICY).length;
    const socket = net.connect(server.address.port, "127.0.0.1");
    socket.on("error", () => {});
    const continued = new Promise((resolve) => socket.once("data", resolve));
    socket.write(
      `POST ${GET_POLICY} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${server.adminToken}\r\n` +
        "Content-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n{",
    );
    // "100 Continue" says the server has taken the request and is reading its body.
    await continued;
    socket.destroy();
    const line = await waitFor(() => callLines(GET_POLICY)[before], "the call's log line");
    expect(line).toMatchObject({ code: "Canceled", level: 20 });
    expectNoFault();
  });
});
