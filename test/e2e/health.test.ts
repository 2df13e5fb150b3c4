/**
 * Health as orchestrators, load balancers and operators ask for it: gRPC's health protocol
 * through @grpc/grpc-js with stubs from the vendored health.proto, the same service over
 * Connect and gRPC-Web, and the plain-HTTP probes. None of it needs a token.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { fileURLToPath } from "node:url";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { transport, type ProtocolName } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { http2Request } from "../support/http2-request.js";
import { decodeStatusDetails } from "../support/raw-rpc.js";
import { SERVED_SERVICES } from "../support/served-services.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const definition = protoLoader.loadSync("grpc/health/v1/health.proto", {
  includeDirs: [fileURLToPath(new URL("../../proto", import.meta.url))],
  enums: String,
  defaults: true,
});
const HealthClient = (grpc.loadPackageDefinition(definition) as any).grpc.health.v1.Health as grpc.ServiceClientConstructor;

const servers: TestServer[] = [];
const clients: grpc.Client[] = [];

async function serve(env: Record<string, string> = {}): Promise<{ server: TestServer; health: any }> {
  const server = await startTestServer(env);
  servers.push(server);
  const health = new HealthClient(`127.0.0.1:${server.address.port}`, grpc.credentials.createInsecure());
  clients.push(health);
  return { server, health };
}

afterAll(async () => {
  for (const client of clients) client.close();
  for (const server of servers) await server.close();
  removeTempDirs();
});

function check(health: any, service: string): Promise<{ status: string }> {
  return new Promise((resolve, reject) =>
    health.check({ service }, (error: grpc.ServiceError | null, response: { status: string }) => (error ? reject(error) : resolve(response))),
  );
}

/** A Watch call whose messages are read one at a time, and whose final status can be awaited. */
function watch(health: any, service: string) {
  const call: grpc.ClientReadableStream<{ status: string }> = health.watch({ service });
  const received: string[] = [];
  const waiting: ((status: string) => void)[] = [];
  call.on("data", (message: { status: string }) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message.status);
    else received.push(message.status);
  });
  call.on("error", () => {});
  const ended = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
  return {
    next: () => new Promise<string>((resolve) => (received.length ? resolve(received.shift()!) : waiting.push(resolve))),
    ended,
    cancel: () => call.cancel(),
  };
}

describe("a serving server", () => {
  let server: TestServer;
  let health: any;

  beforeAll(async () => {
    ({ server, health } = await serve());
  });

  it.each(["", ...SERVED_SERVICES])("is SERVING for %j", async (service) => {
    expect(await check(health, service)).toEqual({ status: "SERVING" });
  });

  it("answers Check for an unknown service with NOT_FOUND and an ErrorDetail, without echoing the name", async () => {
    const error = await check(health, "zitadel.auth.v1.AuthService").catch((e: grpc.ServiceError) => e);
    expect(error).toMatchObject({ code: grpc.status.NOT_FOUND });
    const status = decodeStatusDetails((error as grpc.ServiceError).metadata.get("grpc-status-details-bin")[0] as Buffer);
    expect(status.message).toBe("Errors.Health.ServiceUnknown (HEALTH-5vcUn): unknown service");
    expect(status.details).toEqual([{ id: "HEALTH-5vcUn", message: "Errors.Health.ServiceUnknown" }]);
  });

  it("answers Check for a 60,000-character service name as briefly as for any unknown one", async () => {
    // Echoed, such a name would overflow clients' metadata limits and reset the connection.
    const error = await check(health, "x".repeat(60_000)).catch((e: grpc.ServiceError) => e);
    expect(error).toMatchObject({ code: grpc.status.NOT_FOUND, details: "Errors.Health.ServiceUnknown (HEALTH-5vcUn): unknown service" });
    expect(await check(health, "")).toEqual({ status: "SERVING" });
  });

  it("lists the status of the server and of every service", async () => {
    const statuses = await new Promise<any>((resolve, reject) =>
      health.list({}, (error: Error | null, response: any) => (error ? reject(error) : resolve(response.statuses))),
    );
    expect(statuses).toEqual(Object.fromEntries(["", ...SERVED_SERVICES].map((name) => [name, { status: "SERVING" }])));
  });

  it("answers Watch with the status now, and an unknown service with SERVICE_UNKNOWN, keeping the call open", async () => {
    const known = watch(health, "zitadel.management.v1.ManagementService");
    const unknown = watch(health, "zitadel.auth.v1.AuthService");
    expect(await known.next()).toBe("SERVING");
    expect(await unknown.next()).toBe("SERVICE_UNKNOWN");
    known.cancel();
    unknown.cancel();
    expect((await known.ended).code).toBe(grpc.status.CANCELLED);
    expect((await unknown.ended).code).toBe(grpc.status.CANCELLED);
  });

  it.each<ProtocolName>(["connect-json", "grpc-web", "connect-binary"])("answers over %s too", async (protocol) => {
    const client = createClient(Health, transport(protocol, server.url));
    expect((await client.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const error = await client.check({ service: "nope" }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.NotFound });
    expect((error as ConnectError).findDetails(ErrorDetailSchema)).toEqual([
      expect.objectContaining({ id: "HEALTH-5vcUn", message: "Errors.Health.ServiceUnknown" }),
    ]);
  });

  it.each([
    ["/healthz", { status: "alive" }],
    ["/ready", { status: "SERVING" }],
  ])("answers GET %s with 200 and a small JSON body, and HEAD with the same status", async (path, body) => {
    const get = await fetch(server.url + path);
    expect(get.status).toBe(200);
    expect(get.headers.get("content-type")).toBe("application/json");
    expect(get.headers.get("cache-control")).toBe("no-store");
    expect(await get.json()).toEqual(body);
    const head = await fetch(server.url + path, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const query = await fetch(`${server.url}${path}?verbose`);
    expect(query.status).toBe(200);
  });

  it("answers the probes over HTTP/2 as well", async () => {
    const answer = await http2Request(server.url, { ":path": "/ready" });
    expect(answer).toEqual({ status: 200, body: '{"status":"SERVING"}' });
  });

  it("refuses other methods on the probes with 405 and the methods it allows", async () => {
    const response = await fetch(`${server.url}/ready`, { method: "POST", body: "{}" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(await response.json()).toEqual({ error: "method POST is not allowed; use GET or HEAD" });
  });
});

describe("a server shutting down", () => {
  it("tells every watcher NOT_SERVING first, then ends their calls so that draining can finish", async () => {
    const { server, health } = await serve();
    const whole = watch(health, "");
    const admin = watch(health, "zitadel.admin.v1.AdminService");
    const unknown = watch(health, "zitadel.auth.v1.AuthService");
    expect([await whole.next(), await admin.next(), await unknown.next()]).toEqual(["SERVING", "SERVING", "SERVICE_UNKNOWN"]);

    await server.close();

    expect(await whole.next()).toBe("NOT_SERVING");
    expect(await admin.next()).toBe("NOT_SERVING");
    // Ended by the server, cleanly: not cut off when the grace period ran out.
    for (const call of [whole, admin, unknown]) expect((await call.ended).code).toBe(grpc.status.OK);
    await expect(check(health, "")).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });
});

describe("a server whose database stops answering", () => {
  // The store's SQLite connection is closed under the running server: every ping fails as
  // it would for a database that went away. (A live SQLite file cannot stop answering while
  // the process holds it open; PostgreSQL's tests cover a database that comes back.)
  it("turns NOT_SERVING by itself, on every way of asking, and says why", async () => {
    const { server, health } = await serve({ LPS_DATABASE_CHECK_INTERVAL_MS: "20" });
    const watcher = watch(health, "");
    expect(await watcher.next()).toBe("SERVING");

    await server.store.close();

    expect(await watcher.next()).toBe("NOT_SERVING");
    expect(await check(health, "zitadel.admin.v1.AdminService")).toEqual({ status: "NOT_SERVING" });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "NOT_SERVING", reason: "database unavailable" });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.logs).toContainEqual(expect.objectContaining({ level: 40, msg: "database does not answer; not serving until it does" }));
    watcher.cancel();
  });
});
