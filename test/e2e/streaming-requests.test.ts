/**
 * A server-streaming call (health Watch) whose one request message cannot be read: not the
 * message at all, cut short, or more than one. Over gRPC, gRPC-Web and Connect streaming,
 * binary and JSON, each is refused as the caller's mistake, InvalidArgument with its
 * ErrorDetail, in the protocol's own shape; never Internal. A request that reads well is
 * still watched.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { create, toBinary } from "@bufbuild/protobuf";
import { HealthCheckRequestSchema } from "../../gen/grpc/health/v1/health_pb.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { http2Exchange } from "../support/http2-exchange.js";
import { decodeStatusDetails, envelope } from "../support/raw-rpc.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const WATCH = "/grpc.health.v1.Health/Watch";
const MALFORMED = { id: "RPC-1nv4l", message: "Errors.Request.Invalid" };
const INVALID_ARGUMENT = 3;

let server: TestServer;
beforeAll(async () => {
  // Health calls are logged at debug level: probes make them every few seconds.
  server = await startTestServer({ LPS_LOG_LEVEL: "debug" });
});
afterAll(async () => {
  await server?.close();
  removeTempDirs();
});

const watchRequest = Buffer.from(toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service: "" })));

/** Bodies that are no one Watch request: a field of the wrong wire type, a cut frame, two frames. */
const BAD_BODIES: [string, Buffer][] = [
  ["a message that is not a HealthCheckRequest", envelope(0, Buffer.from([0x0a, 0xff]))],
  ["a frame cut short", envelope(0, watchRequest).subarray(0, 3)],
  ["two messages", Buffer.concat([envelope(0, watchRequest), envelope(0, watchRequest)])],
];

describe.each(BAD_BODIES)("a health Watch with %s", (_what, body) => {
  it("is InvalidArgument over gRPC, trailers-only", async () => {
    const answer = await http2Exchange(server.url, { ":path": WATCH, "content-type": "application/grpc", te: "trailers" }, body);
    expect(answer.headers[":status"]).toBe(200);
    expect(answer.headers["grpc-status"]).toBe(String(INVALID_ARGUMENT));
    expect(decodeStatusDetails(answer.headers["grpc-status-details-bin"] as string).details).toEqual([MALFORMED]);
  });

  it("is InvalidArgument over gRPC-Web, in its trailer frame", async () => {
    const response = await fetch(server.url + WATCH, { method: "POST", headers: { "content-type": "application/grpc-web+proto" }, body });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes[0]).toBe(0x80);
    const trailer = bytes.subarray(5).toString();
    expect(trailer).toContain(`grpc-status: ${INVALID_ARGUMENT}\r\n`);
    const details = /grpc-status-details-bin: (\S+)\r\n/.exec(trailer)![1]!;
    expect(decodeStatusDetails(details).details).toEqual([MALFORMED]);
  });

  it("is invalid_argument over Connect streaming, in its end-of-stream frame", async () => {
    const answer = await http2Exchange(server.url, { ":path": WATCH, "content-type": "application/connect+proto" }, body);
    expect(answer.headers[":status"]).toBe(200);
    expect(answer.body[0]).toBe(0x02);
    const endStream = JSON.parse(answer.body.subarray(5).toString());
    expect(endStream.error).toMatchObject({ code: "invalid_argument", details: [{ type: "zitadel.v1.ErrorDetail", debug: MALFORMED }] });
  });
});

it("refuses a Connect JSON Watch whose message is not JSON of the request", async () => {
  const answer = await http2Exchange(server.url, { ":path": WATCH, "content-type": "application/connect+json" }, envelope(0, Buffer.from('{"service": 7}')));
  const endStream = JSON.parse(answer.body.subarray(5).toString());
  expect(endStream.error.code).toBe("invalid_argument");
});

it("still watches when the request reads well, over gRPC", async () => {
  const answer = await http2Exchange(
    server.url,
    { ":path": WATCH, "content-type": "application/grpc", te: "trailers" },
    envelope(0, watchRequest),
    // The first message is the current status; then the stream is cancelled, as a client would.
    { onStream: (stream) => stream.once("data", () => stream.close()) },
  );
  expect(answer.headers[":status"]).toBe(200);
  expect(answer.headers["grpc-status"]).toBeUndefined();
  expect(answer.body[0]).toBe(0);
  expect(answer.body.length).toBeGreaterThan(5);
});

it("logs the refusals as the callers' mistakes, never at error level", () => {
  const watches = server.logs.filter((line) => line.rpc === WATCH);
  expect(watches.filter((line) => line.code === "InvalidArgument").length).toBeGreaterThanOrEqual(BAD_BODIES.length * 3 + 1);
  expect(server.logs.filter((line) => (line.level as number) >= 50)).toEqual([]);
});
