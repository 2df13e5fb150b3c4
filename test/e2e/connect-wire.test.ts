/**
 * Connect's unary protocol and gRPC-Web as written by hand: GET, compressed requests,
 * deadlines, protocol versions and the error body, over HTTP/1.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { create, toBinary } from "@bufbuild/protobuf";
import { gzipSync } from "node:zlib";
import { AddMultiFactorToLoginPolicyRequestSchema } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { envelope } from "../support/raw-rpc.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

const ADMIN = "/zitadel.admin.v1.AdminService";

function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {}) {
  return fetch(server.url + ADMIN + path, {
    method: init.method ?? "POST",
    headers: { authorization: `Bearer ${server.adminToken}`, ...init.headers },
    body: init.body,
  });
}

describe("Connect unary", () => {
  it("serves GET for a method without side effects, with the message in the query", async () => {
    const answer = await call("/GetLoginPolicy?encoding=json&message=%7B%7D&connect=v1", { method: "GET" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(((await answer.json()) as { policy: { isDefault: boolean } }).policy.isDefault).toBe(true);
  });

  it("reads a gzip-compressed body", async () => {
    const message = create(AddMultiFactorToLoginPolicyRequestSchema, { type: 1 });
    const answer = await call("/AddMultiFactorToLoginPolicy", {
      headers: { "content-type": "application/proto", "content-encoding": "gzip" },
      body: gzipSync(toBinary(AddMultiFactorToLoginPolicyRequestSchema, message)),
    });
    // Read, and refused for what it says: the factor is already there.
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({ code: "already_exists", details: [{ type: "zitadel.v1.ErrorDetail", debug: { id: "INSTANCE-3M9od" } }] });
  });

  it.each([
    ["an unknown protocol version", { "connect-protocol-version": "2" }],
    ["a malformed connect-timeout-ms", { "connect-timeout-ms": "soon" }],
  ])("refuses %s as invalid_argument", async (_case, headers) => {
    const answer = await call("/GetLoginPolicy", { headers: { "content-type": "application/json", ...headers }, body: "{}" });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ code: "invalid_argument", details: [{ debug: { id: "RPC-1nv4l" } }] });
  });

  it("answers deadline_exceeded when the deadline has passed", async () => {
    const answer = await call("/GetLoginPolicy", { headers: { "content-type": "application/json", "connect-timeout-ms": "0" }, body: "{}" });
    expect(answer.status).toBe(504);
    expect(await answer.json()).toMatchObject({ code: "deadline_exceeded", details: [{ debug: { id: "RPC-D34dl" } }] });
  });

  it("refuses a body that is not UTF-8 as invalid_argument", async () => {
    const answer = await call("/GetLoginPolicy", { headers: { "content-type": "application/json" }, body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ code: "invalid_argument", message: expect.stringContaining("UTF-8") });
  });
});

describe("gRPC-Web unary", () => {
  it("answers the message, then a trailer frame with grpc-status 0", async () => {
    const answer = await call("/GetLoginPolicy", {
      headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
      body: envelope(0, new Uint8Array()),
    });
    expect(answer.status).toBe(200);
    const body = Buffer.from(await answer.arrayBuffer());
    const length = body.readUInt32BE(1);
    expect(body[0]).toBe(0);
    const trailer = body.subarray(5 + length);
    expect(trailer[0]).toBe(0x80);
    expect(trailer.subarray(5).toString()).toBe("grpc-status: 0\r\n");
  });
});
