/**
 * Every request gets an ID, returned in x-request-id on every door's answer and written on
 * each log line of its call, with the caller's user and organization (never the token) and
 * the trace and span of a W3C traceparent header.
 */
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { bearer, policyClients, type ProtocolName } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

/** The log lines written with this request ID. */
function linesOf(requestId: string): Record<string, unknown>[] {
  return server.logs.filter((line) => line.requestId === requestId);
}

it.each(["grpc", "grpc-web", "connect-json", "connect-binary"] as ProtocolName[])(
  "%s: the caller's x-request-id comes back, and names the call's log line with its caller",
  async (protocol) => {
    const requestId = `req-${protocol}-${Date.now()}`;
    const { admin } = policyClients(protocol, server.url, { ...bearer(server.adminToken), "x-request-id": requestId });
    let answered: string | null = null;
    await admin.getLoginPolicy({}, { onHeader: (header) => (answered = header.get("x-request-id")) });
    expect(answered).toBe(requestId);
    const [line, ...more] = linesOf(requestId);
    expect(more).toEqual([]);
    expect(line).toMatchObject({ msg: "rpc", rpc: "/zitadel.admin.v1.AdminService/GetLoginPolicy", code: "OK", requestId });
    expect(line!.userId).toEqual(expect.any(String));
    expect(line!.orgId).toEqual(expect.any(String));
  },
);

it("REST: the same, and the token is on no log line", async () => {
  const requestId = "4f3c1a2e-rest";
  const response = await fetch(`${server.url}/admin/v1/policies/login`, {
    headers: { ...bearer(server.adminToken), "x-request-id": requestId },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("x-request-id")).toBe(requestId);
  expect(linesOf(requestId)).toEqual([expect.objectContaining({ msg: "rpc", protocol: "rest", code: "OK", userId: expect.any(String) })]);
  expect(JSON.stringify(server.logs)).not.toContain(server.adminToken);
});

it("generates an ID when the caller sends none, or one a log should not hold", async () => {
  for (const sent of [undefined, "has spaces in it", "x".repeat(129), 'quote"d', "line\tbreak"]) {
    const headers: Record<string, string> = bearer(server.adminToken);
    if (sent !== undefined) headers["x-request-id"] = sent;
    const response = await fetch(`${server.url}/admin/v1/policies/login`, { headers });
    const requestId = response.headers.get("x-request-id") ?? "";
    expect(requestId).toMatch(UUID);
    expect(linesOf(requestId)).toHaveLength(1);
  }
});

it("every door answers with a request ID: probes, OpenAPI, metrics, unknown paths, refusals", async () => {
  for (const path of ["/healthz", "/ready", "/openapi.json", "/metrics", "/no/such/path", "/admin/v1/policies/login"]) {
    const response = await fetch(`${server.url}${path}`, { headers: { "x-request-id": `door${path}` } });
    await response.arrayBuffer();
    expect({ path, id: response.headers.get("x-request-id") }).toEqual({ path, id: `door${path}` });
  }
  // The refused call (no token) is logged under its ID, without a caller.
  const [refused] = linesOf("door/admin/v1/policies/login");
  expect(refused).toMatchObject({ code: "Unauthenticated" });
  expect(refused).not.toHaveProperty("userId");
});

it("carries a traceparent's trace and span onto the call's log lines", async () => {
  const requestId = "traced-call";
  const response = await fetch(`${server.url}/admin/v1/policies/login`, {
    headers: { ...bearer(server.adminToken), "x-request-id": requestId, traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` },
  });
  expect(response.status).toBe(200);
  expect(linesOf(requestId)).toEqual([expect.objectContaining({ traceId: TRACE_ID, spanId: SPAN_ID })]);
});

it.each([
  ["all-zero trace", `00-${"0".repeat(32)}-${SPAN_ID}-01`],
  ["all-zero span", `00-${TRACE_ID}-${"0".repeat(16)}-01`],
  ["version ff", `ff-${TRACE_ID}-${SPAN_ID}-01`],
  ["upper case", `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
  ["extra field on version 00", `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
  ["short trace", `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
])("ignores a traceparent that breaks the rules: %s", async (_name, traceparent) => {
  const requestId = `untraced-${traceparent}`;
  const response = await fetch(`${server.url}/admin/v1/policies/login`, {
    headers: { ...bearer(server.adminToken), "x-request-id": requestId, traceparent },
  });
  expect(response.status).toBe(200);
  const [line] = linesOf(requestId);
  expect(line).toMatchObject({ msg: "rpc", code: "OK" });
  expect(line).not.toHaveProperty("traceId");
  expect(line).not.toHaveProperty("spanId");
});

it("a later version's traceparent with more fields is read for its trace and span", async () => {
  const requestId = "traced-v01";
  await fetch(`${server.url}/admin/v1/policies/login`, {
    headers: { ...bearer(server.adminToken), "x-request-id": requestId, traceparent: `01-${TRACE_ID}-${SPAN_ID}-01-more` },
  });
  expect(linesOf(requestId)).toEqual([expect.objectContaining({ traceId: TRACE_ID, spanId: SPAN_ID })]);
});
