/**
 * The gRPC wire, byte by byte, on raw HTTP/2 streams: framing, compression, deadlines,
 * the size limit, unknown methods and cancellation, as clients other than ours send them.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import type { ClientHttp2Stream } from "node:http2";
import { gzipSync } from "node:zlib";
import { AddMultiFactorToLoginPolicyRequestSchema } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { http2Exchange, type Http2Exchange } from "../support/http2-exchange.js";
import { decodeStatusDetails, envelope, grpcRaw, grpcWebRaw } from "../support/raw-rpc.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { waitFor } from "../support/wait-for.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ LPS_MAX_REQUEST_BYTES: "1024", LPS_LOG_LEVEL: "debug" });
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

const GET_POLICY = "/zitadel.admin.v1.AdminService/GetLoginPolicy";
const ADD_FACTOR = "/zitadel.admin.v1.AdminService/AddMultiFactorToLoginPolicy";

function grpc(path: string, body: Uint8Array, headers: Record<string, string> = {}, options = {}): Promise<Http2Exchange> {
  return http2Exchange(
    server.url,
    { ":path": path, "content-type": "application/grpc", te: "trailers", authorization: `Bearer ${server.adminToken}`, ...headers },
    body,
    options,
  );
}

/** The status of an answer: from its trailers, or from its headers alone (trailers-only). */
function statusOf(answer: Http2Exchange): { code: number; message: string; detailId?: string } {
  const fields = answer.trailers["grpc-status"] !== undefined ? answer.trailers : answer.headers;
  const details = fields["grpc-status-details-bin"];
  return {
    code: Number(fields["grpc-status"]),
    message: decodeURIComponent(String(fields["grpc-message"] ?? "")),
    detailId: details === undefined ? undefined : decodeStatusDetails(String(details)).details[0]?.id,
  };
}

describe("unary gRPC", () => {
  it("answers a message in one frame with grpc-status 0 in trailers, and says which encodings it reads", async () => {
    const answer = await grpc(GET_POLICY, envelope(0, new Uint8Array()));
    expect(answer.headers[":status"]).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/grpc");
    expect(answer.headers["grpc-accept-encoding"]).toContain("gzip");
    expect(answer.trailers["grpc-status"]).toBe("0");
    expect(answer.body[0]).toBe(0);
    expect(answer.body.readUInt32BE(1)).toBe(answer.body.length - 5);
  });

  it("reads a gzip-compressed request", async () => {
    const request = toBinary(AddMultiFactorToLoginPolicyRequestSchema, create(AddMultiFactorToLoginPolicyRequestSchema, { type: 1 }));
    const answer = await grpc(ADD_FACTOR, envelope(1, gzipSync(request)), { "grpc-encoding": "gzip" });
    // The factor is already there: the request was read, and refused for what it says.
    expect(statusOf(answer)).toMatchObject({ code: Code.AlreadyExists, detailId: "INSTANCE-3M9od" });
  });

  it.each([
    ["a compressed message without grpc-encoding", envelope(1, gzipSync(Buffer.from([8, 1]))), {}],
    ["gzip that ends early", envelope(1, gzipSync(Buffer.from([8, 1])).subarray(0, 8)), { "grpc-encoding": "gzip" }],
    ["a frame cut short", envelope(0, Buffer.from([8, 1])).subarray(0, 6), {}],
    ["two messages", Buffer.concat([envelope(0, new Uint8Array()), envelope(0, new Uint8Array())]), {}],
    ["no message", new Uint8Array(), {}],
    ["a malformed grpc-timeout", envelope(0, new Uint8Array()), { "grpc-timeout": "soon" }],
  ])("refuses %s as InvalidArgument, trailers-only", async (_case, body, headers) => {
    const answer = await grpc(GET_POLICY, body, headers);
    expect(answer.headers[":status"]).toBe(200);
    expect(answer.headers["grpc-status"]).toBe(String(Code.InvalidArgument));
    expect(statusOf(answer).detailId).toBe("RPC-1nv4l");
  });

  it("refuses an encoding it does not speak as Unimplemented, naming those it does", async () => {
    const answer = await grpc(GET_POLICY, envelope(1, new Uint8Array()), { "grpc-encoding": "snappy" });
    expect(statusOf(answer)).toMatchObject({ code: Code.Unimplemented, detailId: "RPC-Un1mp" });
    expect(answer.headers["grpc-accept-encoding"]).toContain("gzip");
  });

  it("percent-encodes grpc-message only where gRPC asks", async () => {
    const answer = await grpc(GET_POLICY, envelope(0, new Uint8Array()), { "grpc-timeout": "not a timeout: ü" });
    const raw = String(answer.headers["grpc-message"]);
    expect(raw).toContain("Errors.Request.Invalid (RPC-1nv4l): ");
    expect(raw).toContain("%C3%BC");
    expect(statusOf(answer).message).toContain('grpc-timeout "not a timeout: ü"');
  });

  it("answers DEADLINE_EXCEEDED when the deadline has passed, and serves long deadlines, cut to the server's cap", async () => {
    expect(statusOf(await grpc(GET_POLICY, envelope(0, new Uint8Array()), { "grpc-timeout": "0m" }))).toMatchObject({
      code: Code.DeadlineExceeded,
      detailId: "RPC-D34dl",
    });
    expect(statusOf(await grpc(GET_POLICY, envelope(0, new Uint8Array()), { "grpc-timeout": "99999999H" })).code).toBe(0);
    expect(statusOf(await grpc(GET_POLICY, envelope(0, new Uint8Array()), { "grpc-timeout": "5S" })).code).toBe(0);
  });

  it("answers a message over the limit with RESOURCE_EXHAUSTED at once, then resets the stream with NO_ERROR", async () => {
    // The client declares 2 KiB and keeps the stream open as if still uploading.
    const head = Buffer.alloc(5);
    head.writeUInt32BE(2048, 1);
    const answer = await grpc(ADD_FACTOR, head, {}, { keepOpen: true });
    expect(answer.headers["grpc-status"]).toBe(String(Code.ResourceExhausted));
    expect(statusOf(answer).detailId).toBe("RPC-T00bg");
    expect(answer.closeCode).toBe(0);
  });

  it("answers an unknown method or service with HTTP 200 and grpc-status 12, without echoing the path", async () => {
    for (const path of ["/zitadel.admin.v1.AdminService/Nope", "/no.such.Service/Call"]) {
      const answer = await grpc(path, envelope(0, new Uint8Array()));
      expect(answer.headers[":status"]).toBe(200);
      expect(statusOf(answer)).toMatchObject({ code: Code.Unimplemented, detailId: "RPC-N0mth" });
      expect(statusOf(answer).message).not.toContain("Nope");
    }
    const error = await grpcRaw(`127.0.0.1:${server.address.port}`, "/no.such.Service/Call", Buffer.alloc(0));
    expect(error?.code).toBe(Code.Unimplemented);
  });

  it("logs a call whose client goes away mid-request as Canceled, at debug level", async () => {
    const before = server.logs.length;
    await grpc(ADD_FACTOR, Buffer.from([0, 0, 0, 0, 10]), {}, {
      keepOpen: true,
      // (Node's stream.close() would end the request before resetting it: a whole, short request.)
      onStream: (stream: ClientHttp2Stream) => setTimeout(() => stream.session?.destroy(), 50),
    });
    await waitFor(() => server.logs.slice(before).some((line) => line.msg === "rpc" && line.code === "Canceled"), "the cancelled call's log line");
    expect(server.logs.slice(before).filter((line) => line.msg === "rpc")).toEqual([
      expect.objectContaining({ rpc: ADD_FACTOR, protocol: "grpc", code: "Canceled", level: 20 }),
    ]);
  });
});

describe("unary gRPC-Web", () => {
  it("answers an unknown method with HTTP 200 and grpc-status 12 in the trailer frame", async () => {
    const trailer = await grpcWebRaw(server.url, "/no.such.Service/Call", new Uint8Array());
    expect(trailer.get("grpc-status")).toBe(String(Code.Unimplemented));
    expect(decodeStatusDetails(trailer.get("grpc-status-details-bin")!).details).toEqual([
      { id: "RPC-N0mth", message: "Errors.Request.UnknownMethod" },
    ]);
  });
});
