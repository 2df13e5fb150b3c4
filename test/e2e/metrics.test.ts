/**
 * GET /metrics on the service's port, scraped before and after real calls: the call
 * counters, latency histograms, in-flight gauge, connection and stream gauges and the event
 * store's append histogram move as calls are made; label values stay bounded whatever paths
 * callers invent; and LPS_METRICS decides who may read.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { writeFileSync } from "node:fs";
import http2 from "node:http2";
import { join } from "node:path";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { DEFAULT_ROLES } from "../../src/access/role-permissions.js";
import { Principals } from "../support/principals.js";
import { parseSamples, sampleValue, type Sample } from "../support/prometheus-text.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const ADMIN = "zitadel.admin.v1.AdminService";
const servers: TestServer[] = [];

async function serve(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startTestServer(env);
  servers.push(server);
  return server;
}

afterAll(async () => {
  for (const server of servers) await server.close();
  removeTempDirs();
});

async function scrape(server: TestServer, token = server.adminToken): Promise<Sample[]> {
  const response = await fetch(`${server.url}/metrics`, { headers: token ? bearer(token) : {} });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseSamples(await response.text());
}

/** Waits for a condition the server reaches on its own (a closed connection noticed). */
async function eventually(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("metrics move as calls are made", () => {
  let server: TestServer;
  let client: GrpcJsClient;

  beforeAll(async () => {
    server = await serve();
    client = new GrpcJsClient(`127.0.0.1:${server.address.port}`, undefined, {}, bearer(server.adminToken));
  });
  afterAll(() => client.close());

  it("counts each call by service, method, protocol and code, and times it", async () => {
    const labels = { service: ADMIN, method: "GetLoginPolicy" };
    const before = await scrape(server);
    for (let i = 0; i < 3; i++) expect((await client.call("admin", "GetLoginPolicy")).ok).toBe(true);
    const rest = await fetch(`${server.url}/admin/v1/policies/login`, { headers: bearer(server.adminToken) });
    expect(rest.status).toBe(200);
    const denied = await client.call("admin", "GetLoginPolicy", {}, { authorization: "Bearer lps_nonsense" });
    expect(denied.ok).toBe(false);
    const after = await scrape(server);

    const calls = (samples: Sample[], extra: Record<string, string>) => sampleValue(samples, "lps_rpc_calls_total", { ...labels, ...extra });
    expect(calls(after, { protocol: "grpc", code: "OK" }) - calls(before, { protocol: "grpc", code: "OK" })).toBe(3);
    expect(calls(after, { protocol: "rest", code: "OK" }) - calls(before, { protocol: "rest", code: "OK" })).toBe(1);
    expect(calls(after, { protocol: "grpc", code: "Unauthenticated" }) - calls(before, { protocol: "grpc", code: "Unauthenticated" })).toBe(1);
    const timed = (samples: Sample[]) => sampleValue(samples, "lps_rpc_call_duration_seconds_count", { ...labels, protocol: "grpc" });
    expect(timed(after) - timed(before)).toBe(4);
    // Every call ended, so none is in flight.
    expect(sampleValue(after, "lps_rpc_calls_in_flight", labels)).toBe(0);
  });

  it("times each append to the event store, by engine and outcome", async () => {
    const appends = (samples: Sample[]) => sampleValue(samples, "lps_eventstore_append_duration_seconds_count", { outcome: "ok" });
    const before = await scrape(server);
    expect((await client.call("admin", "AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" })).ok).toBe(true);
    expect((await client.call("admin", "RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" })).ok).toBe(true);
    const after = await scrape(server);
    expect(appends(after) - appends(before)).toBe(2);
    const engine = after.find((s) => s.name === "lps_eventstore_append_duration_seconds_count")?.labels.engine;
    expect(["sqlite", "postgres"]).toContain(engine);
  });

  it("counts lookups of the documents held in memory, found or not, and how many are held", async () => {
    const lookups = (samples: Sample[], result: string) => sampleValue(samples, "lps_read_cache_lookups_total", { cache: "documents", result });
    const before = await scrape(server);
    for (let i = 0; i < 3; i++) expect((await client.call("admin", "GetLoginPolicy")).ok).toBe(true);
    // A token never seen before is looked for in memory, and not found there.
    const stranger = await client.call("admin", "GetLoginPolicy", {}, { authorization: `Bearer lps_${Date.now()}unknown` });
    expect(stranger.ok).toBe(false);
    const after = await scrape(server);
    // Each read looks up the token, the memberships and the policy: held after the first.
    expect(lookups(after, "hit") - lookups(before, "hit")).toBeGreaterThanOrEqual(6);
    expect(lookups(after, "miss") - lookups(before, "miss")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, "lps_read_cache_entries", { cache: "documents" })).toBeGreaterThanOrEqual(3);
  });

  it("reports the database pool on PostgreSQL, and process metrics everywhere", async () => {
    const samples = await scrape(server);
    expect(sampleValue(samples, "process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(sampleValue(samples, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    // SQLite has no pool: its gauges stay 0.
    const pooled = server.databaseUrl.startsWith("postgres");
    expect(sampleValue(samples, "lps_db_pool_connections_max")).toBe(pooled ? 10 : 0);
    if (pooled) expect(sampleValue(samples, "lps_db_pool_connections")).toBeGreaterThanOrEqual(1);
  });

  it("counts open HTTP/2 connections and streams while they are open", async () => {
    const open = (samples: Sample[]) => sampleValue(samples, "lps_http_connections_open", { version: "2" });
    const baseline = open(await scrape(server));
    const session = http2.connect(server.url);
    session.on("error", () => {});
    // A stream left open: the request's body never ends.
    const stream = session.request({
      ":method": "POST",
      ":path": `/${ADMIN}/GetLoginPolicy`,
      "content-type": "application/grpc",
      te: "trailers",
      ...bearer(server.adminToken),
    });
    stream.on("error", () => {});
    await eventually(async () => open(await scrape(server)) === baseline + 1);
    const during = await scrape(server);
    expect(sampleValue(during, "lps_http2_streams_open")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(during, "lps_rpc_calls_in_flight", { method: "GetLoginPolicy", protocol: "grpc" })).toBe(1);
    session.destroy();
    await eventually(async () => open(await scrape(server)) === baseline);
    await eventually(async () => sampleValue(await scrape(server), "lps_rpc_calls_in_flight", { method: "GetLoginPolicy" }) === 0);
  });

  it("keeps label values bounded whatever paths callers invent", async () => {
    const random = () => Math.random().toString(36).slice(2);
    const invented: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `Method${random()}`;
      invented.push(name);
      const grpcPath = `/${ADMIN}/${name}`;
      const restPath = `/admin/v1/${random()}/${name}`;
      await fetch(`${server.url}${grpcPath}`, { method: "POST", headers: { "content-type": "application/grpc-web+proto" }, body: "" });
      await fetch(`${server.url}${restPath}`, { headers: bearer(server.adminToken) });
      await fetch(`${server.url}/admin/v1/policies/login`, { method: "PATCH", headers: bearer(server.adminToken) });
    }
    const response = await fetch(`${server.url}/metrics`, { headers: bearer(server.adminToken) });
    const text = await response.text();
    for (const name of invented) expect(text).not.toContain(name);
    const samples = parseSamples(text);
    const calls = samples.filter((s) => s.name === "lps_rpc_calls_total");
    const unknown = calls.filter((s) => s.labels.method === "unknown");
    expect(unknown.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(120);
    // Unknown paths are one series per protocol and code, not one per path.
    expect(unknown.length).toBeLessThanOrEqual(4);
    const methods = new Set(calls.map((s) => s.labels.method));
    expect(methods.size).toBeLessThanOrEqual(30);
  });
});

describe("who may read the metrics (LPS_METRICS)", () => {
  it("token (the default): a role granting iam.metrics.read, no one else", async () => {
    const server = await serve();
    const principals = new Principals(server);
    const orgId = await principals.org();
    const viewer = await principals.machineUser(orgId, { instance: ["IAM_OWNER_VIEWER"] });
    const orgOwner = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER"] } });

    const without = await fetch(`${server.url}/metrics`);
    expect(without.status).toBe(401);
    expect(without.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await fetch(`${server.url}/metrics`, { headers: bearer("lps_forged") })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: bearer(orgOwner.token) })).status).toBe(403);
    await scrape(server, viewer.token);
    await scrape(server, server.adminToken);
    const post = await fetch(`${server.url}/metrics`, { method: "POST", headers: bearer(server.adminToken) });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("token, with a role table of its own: the permission is grantable, and only its holders read", async () => {
    const rolesFile = join(tempDir(), "roles.json");
    const table = {
      instance: { ...DEFAULT_ROLES.instance, IAM_OWNER: ["iam.policy.read", "iam.policy.write"], MONITOR: ["iam.metrics.read"] },
      org: DEFAULT_ROLES.org,
    };
    writeFileSync(rolesFile, JSON.stringify(table));
    const server = await serve({ LPS_ROLES_FILE: rolesFile });
    const monitor = await new Principals(server, table).machineUser(await new Principals(server, table).org(), { instance: ["MONITOR"] });
    expect((await fetch(`${server.url}/metrics`, { headers: bearer(server.adminToken) })).status).toBe(403);
    await scrape(server, monitor.token);
  });

  it("open: anyone who reaches the port", async () => {
    const server = await serve({ LPS_METRICS: "open" });
    await scrape(server, "");
  });

  it("off: /metrics is an unknown path", async () => {
    const server = await serve({ LPS_METRICS: "off" });
    const response = await fetch(`${server.url}/metrics`, { headers: bearer(server.adminToken) });
    expect(response.status).toBe(404);
  });
});
