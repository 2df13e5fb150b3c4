/**
 * Rate limits: per client address, per caller, and on failed authentications. A refusal is
 * ResourceExhausted with retry-after, over gRPC as a status with its ErrorDetail and over REST
 * as 429 with Retry-After; requests that are no call (/openapi.json, unknown paths) count
 * against the address too, and are refused as REST calls are. Health checks and probes from
 * this machine are never limited. The limits are set low here so that a handful of calls
 * reaches them.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import * as grpc from "@grpc/grpc-js";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { bearer, policyClients, transport } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { Principals } from "../support/principals.js";
import { rest } from "../support/rest-client.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  removeTempDirs();
});

async function serve(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer(env);
  servers.push(server);
  return server;
}

const RATE_LIMITED = { code: grpc.status.RESOURCE_EXHAUSTED, detail: { id: "AUTH-R4t3l", message: "Errors.RateLimit.Exceeded" } };

describe("per client address", () => {
  it("refuses calls past the burst with ResourceExhausted and retry-after, over gRPC and REST", async () => {
    // One a second, a burst of two: of ten calls at once, two get through, and at most a
    // third should the calls take a second to arrive.
    const server = await serve({ LPS_RATE_LIMIT_PER_ADDRESS: "1", LPS_METRICS: "open" });
    const client = new GrpcJsClient(`127.0.0.1:${server.address.port}`, undefined, {}, bearer(server.adminToken));
    const results = await Promise.all(Array.from({ length: 10 }, () => client.call("admin", "GetLoginPolicy")));
    client.close();
    const refused = results.filter((r) => !r.ok);
    expect(refused.length).toBeGreaterThanOrEqual(7);
    for (const refusal of refused) expect(refusal).toMatchObject(RATE_LIMITED);
    // Operators see them counted.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(Number(/^lps_limit_refusals_total\{limit="rate"\} (\d+)/m.exec(metrics)?.[1])).toBe(refused.length);

    const answer = await rest(server.url, "GET", "/admin/v1/policies/login", { headers: bearer(server.adminToken) });
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(answer.body.details[0]).toMatchObject({ id: "AUTH-R4t3l" });
  });

  it("never limits health checks from this machine", async () => {
    const server = await serve({ LPS_RATE_LIMIT_PER_ADDRESS: "1" });
    const health = createClient(Health, transport("grpc", server.url));
    for (let i = 0; i < 20; i++) {
      expect((await health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    }
    // Other calls from the same address are limited all the same.
    const { admin } = policyClients("grpc", server.url, bearer(server.adminToken));
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => admin.getLoginPolicy({})));
    const refusals = outcomes.filter((o) => o.status === "rejected").map((o) => ConnectError.from(o.reason).code);
    expect(refusals).toContain(Code.ResourceExhausted);
  });
  it("counts requests that are no call as well, answered 429 with Retry-After; never probes or /metrics from this machine", async () => {
    const server = await serve({ LPS_RATE_LIMIT_PER_ADDRESS: "1", LPS_METRICS: "open" });
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const answer = await fetch(`${server.url}/openapi.json`);
        return { status: answer.status, retryAfter: answer.headers.get("retry-after"), body: await answer.text() };
      }),
    );
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(7);
    expect(refused.length + answers.filter((answer) => answer.status === 200).length).toBe(10);
    expect(Number(refused[0]!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(refused[0]!.body).details[0]).toMatchObject({ id: "AUTH-R4t3l", message: "Errors.RateLimit.Exceeded" });
    // Paths nobody serves count too.
    const unknown = await fetch(`${server.url}/no-such-page`);
    await unknown.text();
    expect(unknown.status).toBe(429);
    for (let i = 0; i < 10; i++) {
      for (const path of ["/healthz", "/ready", "/metrics"]) {
        const probe = await fetch(`${server.url}${path}`);
        await probe.text();
        expect(probe.status).toBe(200);
      }
    }
  });
});

describe("per caller", () => {
  it("limits each user on their own: one user's flood does not refuse another", async () => {
    const server = await serve({ LPS_RATE_LIMIT_PER_CALLER: "2" });
    const principals = new Principals(server);
    const other = await principals.machineUser(server.instance.defaultOrgId, { instance: ["IAM_OWNER_VIEWER"] });
    const admin = new GrpcJsClient(`127.0.0.1:${server.address.port}`, undefined, {}, bearer(server.adminToken));
    const viewer = new GrpcJsClient(`127.0.0.1:${server.address.port}`, undefined, {}, bearer(other.token));
    // All at once: called one after another, on a busy machine the calls came slowly enough
    // for the bucket (2 a second, a burst of 4) to refill between them, and none was refused.
    const flood = await Promise.all(Array.from({ length: 12 }, () => admin.call("admin", "GetLoginPolicy")));
    const own = await viewer.call("admin", "GetLoginPolicy");
    admin.close();
    viewer.close();
    const refused = flood.filter((result) => !result.ok);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ ok: false, ...RATE_LIMITED });
    expect(own.ok).toBe(true);
  });
});

describe("failed authentications", () => {
  it("refuse an address that keeps failing, also when it then sends a good token, and say when to retry", async () => {
    // A burst of 3, then one every 20 s.
    const server = await serve({ LPS_RATE_LIMIT_AUTH_FAILURES: "3" });
    const client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
    const bad = { authorization: "Bearer lps_not-a-token" };
    for (let i = 0; i < 3; i++) {
      expect(await client.call("admin", "GetLoginPolicy", {}, bad)).toMatchObject({ ok: false, code: grpc.status.UNAUTHENTICATED });
    }
    expect(await client.call("admin", "GetLoginPolicy", {}, bad)).toMatchObject({ ok: false, ...RATE_LIMITED });
    expect(await client.call("admin", "GetLoginPolicy", {}, bearer(server.adminToken))).toMatchObject({ ok: false, ...RATE_LIMITED });
    client.close();

    const answer = await rest(server.url, "GET", "/admin/v1/policies/login", { headers: bad });
    expect(answer.status).toBe(429);
    const retryAfter = Number(answer.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
  });
});
