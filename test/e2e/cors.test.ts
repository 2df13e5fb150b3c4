/**
 * CORS as browsers meet it: preflights and actual requests from admitted and other origins,
 * on RPC paths (Connect, gRPC-Web), the health probes and unknown paths. On RPC paths the
 * CORS headers are checked whatever the status, since a browser needs them most on errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http2 from "node:http2";
import { bearer } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { envelope } from "../support/raw-rpc.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const CONSOLE = "https://console.example.com";
const DEV = "http://localhost:3000";
const STRANGER = "https://evil.example.net";
const GET_POLICY = "/zitadel.admin.v1.AdminService/GetLoginPolicy";
const ADD_MULTI_FACTOR = "/zitadel.admin.v1.AdminService/AddMultiFactorToLoginPolicy";

const servers: TestServer[] = [];

async function serve(origins?: string): Promise<TestServer> {
  const server = await startTestServer(origins === undefined ? {} : { LPS_CORS_ORIGINS: origins });
  servers.push(server);
  return server;
}

afterAll(async () => {
  for (const server of servers) await server.close();
  removeTempDirs();
});

interface Answer {
  status: number;
  headers: Headers;
}

async function send(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { status: response.status, headers: response.headers };
}

function preflight(url: string, origin: string, requestHeaders = "content-type, connect-protocol-version"): Promise<Answer> {
  return send(url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": requestHeaders },
  });
}

function connectCall(server: TestServer, path: string, origin: string, body = "{}"): Promise<Answer> {
  return send(server.url + path, {
    method: "POST",
    headers: { origin, "content-type": "application/json", "connect-protocol-version": "1", ...bearer(server.adminToken) },
    body,
  });
}

function corsHeaders(headers: Headers): string[] {
  return [...headers.keys()].filter((name) => name.startsWith("access-control-"));
}

function listed(value: string | null): string[] {
  return (value ?? "").split(",").map((name) => name.trim().toLowerCase());
}

describe("with origins configured", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await serve(`${CONSOLE}, ${DEV}/`);
  });

  it("answers a preflight from an admitted origin itself, without a token, before any RPC", async () => {
    const before = server.logs.length;
    const answer = await preflight(
      server.url + GET_POLICY,
      CONSOLE,
      "content-type, connect-protocol-version, authorization, x-zitadel-orgid, x-zitadel-login-client, x-secret",
    );
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe(CONSOLE);
    expect(listed(answer.headers.get("access-control-allow-methods"))).toEqual(["post", "get", "put", "delete"]);
    const allowed = listed(answer.headers.get("access-control-allow-headers"));
    expect(allowed).toEqual(
      expect.arrayContaining([
        "content-type", "connect-protocol-version", "connect-timeout-ms", "x-grpc-web", "x-user-agent", "grpc-timeout",
        "authorization", "x-zitadel-orgid", "x-zitadel-login-client",
      ]),
    );
    expect(allowed).not.toContain("x-secret");
    expect(answer.headers.get("access-control-max-age")).toBe("7200");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
    expect(listed(answer.headers.get("vary"))).toEqual(["origin", "access-control-request-headers"]);
    expect(server.logs.slice(before).filter((line) => line.msg === "rpc")).toEqual([]);
  });

  it("admits an origin configured with a trailing slash as the browser sends it", async () => {
    const answer = await preflight(server.url + GET_POLICY, DEV);
    expect(answer.headers.get("access-control-allow-origin")).toBe(DEV);
  });

  it.each(["/ready", "/healthz", "/admin/v1/policies/login"])("answers a preflight for %s the same way", async (path) => {
    const answer = await preflight(server.url + path, CONSOLE);
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe(CONSOLE);
    expect(answer.headers.get("access-control-allow-methods")).toBe("POST, GET, PUT, DELETE");
  });

  it("answers a preflight from any other origin without CORS headers, which the browser takes as no", async () => {
    for (const origin of [STRANGER, "null", "https://console.example.com.evil.example.net"]) {
      const answer = await preflight(server.url + GET_POLICY, origin);
      expect(answer.status).toBe(204);
      expect(corsHeaders(answer.headers)).toEqual([]);
      expect(answer.headers.get("vary")).toBe("Origin");
    }
  });

  it("names the origin and exposes the status headers on RPC answers, successful or not", async () => {
    const answers = [
      await connectCall(server, GET_POLICY, CONSOLE),
      // The factor is enabled already (if the call is admitted at all): an error either way.
      await connectCall(server, ADD_MULTI_FACTOR, CONSOLE, '{"type": "MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"}'),
      await connectCall(server, GET_POLICY, CONSOLE, "{"),
      await send(server.url + GET_POLICY, {
        method: "POST",
        headers: { origin: CONSOLE, "content-type": "application/grpc-web+proto", "x-grpc-web": "1", ...bearer(server.adminToken) },
        body: envelope(0, new Uint8Array()),
      }),
    ];
    expect(answers.map((answer) => answer.status >= 400)).toContain(true);
    for (const answer of answers) {
      expect(answer.headers.get("access-control-allow-origin")).toBe(CONSOLE);
      expect(listed(answer.headers.get("access-control-expose-headers"))).toEqual(
        expect.arrayContaining(["grpc-status", "grpc-message", "grpc-status-details-bin", "www-authenticate"]),
      );
      expect(answer.headers.get("vary")).toBe("Origin");
    }
  });

  it("names the origin on the probes and on unknown paths too", async () => {
    for (const [path, method, status] of [["/ready", "GET", 200], ["/healthz", "GET", 200], ["/healthz", "DELETE", 405], ["/nowhere", "GET", 404]] as const) {
      const answer = await send(server.url + path, { method, headers: { origin: DEV } });
      expect(answer.status).toBe(status);
      expect(answer.headers.get("access-control-allow-origin")).toBe(DEV);
    }
  });

  it("names the origin over HTTP/2 as well", async () => {
    const session = http2.connect(server.url);
    const headers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      const stream = session.request({ ":method": "POST", ":path": GET_POLICY, origin: CONSOLE, "content-type": "application/json" });
      stream.on("response", resolve);
      stream.on("error", reject);
      stream.resume();
      stream.end("{}");
    });
    session.close();
    expect(headers["access-control-allow-origin"]).toBe(CONSOLE);
    expect(headers["access-control-expose-headers"]).toContain("Grpc-Status-Details-Bin");
  });

  it("adds no CORS headers for other origins, or for requests without one, and serves them all the same", async () => {
    for (const headers of [{ origin: STRANGER }, {} as Record<string, string>]) {
      const rpc = await send(server.url + GET_POLICY, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", ...bearer(server.adminToken) },
        body: "{}",
      });
      const ready = await send(`${server.url}/ready`, { headers });
      for (const answer of [rpc, ready]) {
        expect(corsHeaders(answer.headers)).toEqual([]);
        expect(answer.headers.get("vary")).toBe("Origin");
      }
      expect(ready.status).toBe(200);
    }
  });
});

describe("with every origin admitted", () => {
  it("answers * and never allows credentials", async () => {
    const server = await serve("*");
    const answer = await preflight(server.url + GET_POLICY, STRANGER, "authorization, x-zitadel-orgid");
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(listed(answer.headers.get("access-control-allow-headers"))).toEqual(expect.arrayContaining(["authorization", "x-zitadel-orgid"]));
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
    const call = await connectCall(server, GET_POLICY, STRANGER);
    expect(call.headers.get("access-control-allow-origin")).toBe("*");
    expect(call.headers.get("access-control-allow-credentials")).toBeNull();
    expect(call.headers.get("vary")).toBeNull();
  });
});

describe("with no origins configured (the default)", () => {
  it("admits no browser app from another origin", async () => {
    const server = await serve();
    const answer = await preflight(server.url + GET_POLICY, CONSOLE);
    expect(answer.status).toBe(204);
    expect(corsHeaders(answer.headers)).toEqual([]);
    const call = await connectCall(server, GET_POLICY, CONSOLE);
    expect(corsHeaders(call.headers)).toEqual([]);
  });
});
