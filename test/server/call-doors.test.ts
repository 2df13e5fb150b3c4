/**
 * One implementation behind every RPC door: what a handler reads (request headers, binary
 * metadata included) and writes (response headers and trailers) reaches it and its client
 * the same way over gRPC, gRPC-Web and Connect, on real sockets with connect-node's clients
 * and @grpc/grpc-js.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createClient, decodeBinaryHeader, encodeBinaryHeader, type HandlerContext, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { Health, HealthCheckResponse_ServingStatus, type HealthCheckRequest } from "../../gen/grpc/health/v1/health_pb.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createCallCore, servedService } from "../../src/server/call/call-core.js";
import { grpcDoor } from "../../src/server/grpc-door.js";
import { listen, type Listener } from "../../src/server/listener.js";
import { createRpcDoor } from "../../src/server/rpc-door.js";
import { createStatusMapper } from "../../src/interceptors/status-mapping.js";

let listener: Listener;
let baseUrl: string;

beforeAll(async () => {
  const logger = createLogger("silent");
  const services = [
    servedService(
      Health,
      {
        check(_request: HealthCheckRequest, ctx: HandlerContext) {
          const sent = ctx.requestHeader.get("x-token-bin");
          ctx.responseHeader.set("etag", '"v1"');
          if (sent) ctx.responseHeader.set("x-echo-bin", encodeBinaryHeader(decodeBinaryHeader(sent)));
          ctx.responseTrailer.set("x-served-by", "call-core");
          return { status: HealthCheckResponse_ServingStatus.SERVING };
        },
      } as never,
      [],
    ),
  ];
  const core = createCallCore({ services, toStatus: createStatusMapper(logger), logger });
  const rpc = createRpcDoor({ core, services, logger, maxRequestBytes: 1024 });
  listener = await listen(
    { host: "127.0.0.1", port: 0, limits: loadConfig({}, []).connectionLimits, logger },
    {
      request: (req, res) => {
        if (!rpc.handle(req, res)) res.writeHead(404).end();
      },
      stream: grpcDoor({ core, maxRequestBytes: 1024 }),
    },
  );
  baseUrl = `http://127.0.0.1:${listener.address.port}`;
});

afterAll(async () => {
  await listener.close(0);
});

const TRANSPORTS: [string, () => Transport][] = [
  ["gRPC", () => createGrpcTransport({ baseUrl })],
  ["gRPC-Web", () => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" })],
  ["Connect JSON", () => createConnectTransport({ baseUrl, httpVersion: "1.1" })],
  ["Connect binary over HTTP/2", () => createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true })],
];

describe.each(TRANSPORTS)("over %s", (_name, transport) => {
  it("hands the handler binary metadata, and its client the handler's response headers and trailers", async () => {
    const client = createClient(Health, transport());
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const response = await client.check(
      {},
      {
        headers: { "x-token-bin": encodeBinaryHeader(new Uint8Array([0, 1, 254, 255])) },
        onHeader: (received) => (header = received),
        onTrailer: (received) => (trailer = received),
      },
    );
    expect(response.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect(header?.get("etag")).toBe('"v1"');
    expect(decodeBinaryHeader(header!.get("x-echo-bin")!)).toEqual(new Uint8Array([0, 1, 254, 255]));
    expect(trailer?.get("x-served-by")).toBe("call-core");
  });
});

describe("with @grpc/grpc-js", () => {
  it("passes -bin metadata both ways, and the handler's trailers", async () => {
    const client = new grpc.Client(`127.0.0.1:${listener.address.port}`, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set("x-token-bin", Buffer.from([0, 1, 254, 255]));
    const received = await new Promise<{ header: grpc.Metadata; trailer: grpc.Metadata }>((resolve, reject) => {
      let header = new grpc.Metadata();
      const call = client.makeUnaryRequest(
        "/grpc.health.v1.Health/Check",
        () => Buffer.alloc(0),
        (bytes: Buffer) => bytes,
        null,
        metadata,
        (error) => (error ? reject(error) : undefined),
      );
      call.on("metadata", (m) => (header = m));
      call.on("status", (status) => resolve({ header, trailer: status.metadata }));
    });
    client.close();
    expect(received.header.get("x-echo-bin")).toEqual([Buffer.from([0, 1, 254, 255])]);
    expect(received.header.get("etag")).toEqual(['"v1"']);
    expect(received.trailer.get("x-served-by")).toEqual(["call-core"]);
  });
});
