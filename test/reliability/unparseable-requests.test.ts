/**
 * Requests whose authority or target no URL can be made of (`Host: x:99999`, an empty Host,
 * HTTP/1.0 without Host, `Host: [`; targets `//a:99999`, `//[`, `http://[/openapi.json`),
 * over HTTP/1.1, h2c and TLS, at every door: each is answered 400 with the gateway's status
 * body, logged at info as the caller's mistake, and the process serves on. And a target in
 * the absolute form (`http://host/path`), which is no mistake, is served as its path.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http2 from "node:http2";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { parseRawResponse, rawHttp1 } from "../support/raw-http1.js";
import { freshDatabaseUrl } from "../support/test-database.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { selfSignedCertificate, type Certificate } from "../support/tls-certificate.js";

const GET_POLICY = "/zitadel.admin.v1.AdminService/GetLoginPolicy";
const DOORS = [GET_POLICY, "/admin/v1/policies/login", "/openapi.json", "/healthz", "/nothing/here"];

let cleartext: ServerProcess;
let secure: ServerProcess;
let certificate: Certificate;

beforeAll(async () => {
  certificate = selfSignedCertificate();
  [cleartext, secure] = await Promise.all([
    startServerProcess({ LPS_LOG_LEVEL: "info", LPS_DATABASE_URL: await freshDatabaseUrl() }),
    startServerProcess({
      LPS_LOG_LEVEL: "info",
      LPS_DATABASE_URL: await freshDatabaseUrl(),
      LPS_TLS_CERT: certificate.certPath,
      LPS_TLS_KEY: certificate.keyPath,
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([cleartext?.stop(), secure?.stop()]);
  removeTempDirs();
});

function portOf(server: ServerProcess): number {
  return Number(new URL(server.url).port);
}

/** The server's log lines since it started, parsed. */
function logLines(server: ServerProcess): Record<string, any>[] {
  return server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}

function expectBadRequest(text: string): void {
  const { status, body } = parseRawResponse(text);
  expect(status).toBe(400);
  expect(JSON.parse(body)).toMatchObject({
    code: 3,
    details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id: "HTTP-T4rgt", message: "Errors.Request.BadTarget" }],
  });
}

function expectStillServing(server: ServerProcess): void {
  expect(server.child.exitCode).toBeNull();
  expect(logLines(server).filter((line) => line.level >= 50)).toEqual([]);
  expect(server.output()).not.toMatch(/Unhandled|TypeError|ERR_INVALID_URL/);
}

const BAD_AUTHORITIES: [string, string][] = [
  ["a port out of range", "Host: x:99999\r\n"],
  ["an empty Host", "Host: \r\n"],
  ["a bracket that never closes", "Host: [\r\n"],
];

const BAD_TARGETS = ["//a:99999", "//[", "http://[/openapi.json", "//[/x"];

describe.each([
  ["HTTP/1.1", () => cleartext, undefined],
  ["TLS", () => secure, () => certificate.cert],
] as const)("over %s", (_name, server, ca) => {
  const send = (request: string) => rawHttp1(portOf(server()), request, { ca: ca?.() });

  it.each(BAD_AUTHORITIES)("a request with %s is 400 at every door", async (_what, host) => {
    for (const path of DOORS) {
      for (const method of ["GET", "POST"]) {
        const body = method === "POST" ? "Content-Type: application/json\r\nContent-Length: 2\r\n" : "";
        expectBadRequest(await send(`${method} ${path} HTTP/1.1\r\n${host}${body}Connection: close\r\n\r\n${method === "POST" ? "{}" : ""}`));
      }
    }
    expectStillServing(server());
  });

  it("an HTTP/1.0 request without Host is 400", async () => {
    for (const path of DOORS) expectBadRequest(await send(`POST ${path} HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`));
    expectStillServing(server());
  });

  it.each(BAD_TARGETS)("the target %s is 400", async (target) => {
    expectBadRequest(await send(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
    expectBadRequest(await send(`POST ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`));
    expectStillServing(server());
  });

  it("logs each refusal at info, as the caller's mistake", async () => {
    await send("GET /openapi.json HTTP/1.1\r\nHost: x:99999\r\nConnection: close\r\n\r\n");
    const refusals = logLines(server()).filter((line) => line.msg === "bad request target");
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((line) => line.level === 30)).toBe(true);
  });

  // What a client sends to a proxy, and a proxy may pass on: a server must take it (RFC 9112, 3.2.2).
  it("a target in the absolute form is served as its path, at every door", async () => {
    const auth = `Authorization: Bearer ${server().adminToken}\r\n`;
    const get = (target: string, headers = "") => send(`GET ${target} HTTP/1.1\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n`);
    const call = parseRawResponse(
      await send(`POST http://localhost${GET_POLICY} HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`),
    );
    expect(call.status).toBe(200);
    expect(JSON.parse(call.body).policy.isDefault).toBe(true);
    const rest = parseRawResponse(await get("HTTP://localhost/admin/v1/policies/login", auth));
    expect(rest.status).toBe(200);
    expect(JSON.parse(rest.body).policy.isDefault).toBe(true);
    // The query goes along: the gateway reads it, and refuses a field the request has not.
    const queried = parseRawResponse(await get("http://localhost/admin/v1/policies/login?x=1", auth));
    expect(queried.status).toBe(400);
    expect(JSON.parse(queried.body).message).toMatch(/query parameter "x"/);
    // The authority is the target's, whatever Host says.
    const openApi = parseRawResponse(await get("https://api.example:8443/openapi.json"));
    expect(openApi.status).toBe(200);
    expect(JSON.parse(openApi.body).openapi).toMatch(/^3\./);
    expect(parseRawResponse(await get("http://localhost/healthz")).status).toBe(200);
    expect(parseRawResponse(await get("http://localhost/nothing/here")).status).toBe(404);
    expectStillServing(server());
  });

  it("serves a well-formed request afterwards", async () => {
    const { status } = parseRawResponse(await send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    expect(status).toBe(200);
  });
});

describe("over h2c", () => {
  /** One HTTP/2 request with the given pseudo-headers; resolves with the status and body. */
  function h2c(headers: http2.OutgoingHttpHeaders): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(cleartext.url);
      session.on("error", reject);
      const stream = session.request({ ":method": "POST", "content-type": "application/json", ...headers });
      let status = 0;
      let body = "";
      stream.on("response", (response) => (status = Number(response[":status"])));
      stream.on("data", (chunk: Buffer) => (body += chunk.toString()));
      stream.on("end", () => {
        session.close();
        resolve({ status, body });
      });
      stream.on("error", reject);
      stream.end("{}");
    });
  }

  it.each(["x:99999", "["])("the :authority %j is 400 at every door", async (authority) => {
    for (const path of DOORS) {
      const answer = await h2c({ ":authority": authority, ":path": path });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).details[0].id).toBe("HTTP-T4rgt");
    }
    expectStillServing(cleartext);
  });

  it.each(["//a:99999", "//[", "//[/x"])("the :path %s is 400", async (path) => {
    const answer = await h2c({ ":path": path });
    expect(answer.status).toBe(400);
    expectStillServing(cleartext);
  });

  // HTTP/2 itself forbids these (RFC 9113, 8.3.1): Node resets the stream before any door sees it.
  it.each([
    ["an empty :authority", { ":authority": "", ":path": GET_POLICY }],
    ["an absolute-form :path", { ":path": "http://[/openapi.json" }],
  ])("%s is refused with a stream reset", async (_what, headers) => {
    await expect(h2c(headers)).rejects.toThrow(/NGHTTP2_PROTOCOL_ERROR/);
    expectStillServing(cleartext);
  });

  it("serves a well-formed call afterwards", async () => {
    const answer = await h2c({ ":path": GET_POLICY, authorization: `Bearer ${cleartext.adminToken}` });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).policy.isDefault).toBe(true);
  });
});
