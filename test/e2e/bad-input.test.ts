/**
 * Wrong answers to bad input, put right: a message flagged compressed without an encoding,
 * a body that does not decompress, text that is not UTF-8, deadlines beyond what a timer
 * holds, two authorization headers. Each is refused with the right code on every door that
 * can carry it, logs nothing at error level, and stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http2 from "node:http2";
import { gzipSync } from "node:zlib";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { withoutEvents } from "../support/access-refusals.js";
import { parseRawResponse, rawHttp1 } from "../support/raw-http1.js";
import { envelope } from "../support/raw-rpc.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

beforeAll(async () => {
  server = await startTestServer();
  process.on("warning", onWarning);
});

afterAll(async () => {
  process.off("warning", onWarning);
  await server.close();
  removeTempDirs();
});

const ADMIN = "/zitadel.admin.v1.AdminService";
const ADD_SECOND_FACTOR = `${ADMIN}/AddSecondFactorToLoginPolicy`;
const UPDATE_POLICY = `${ADMIN}/UpdateLoginPolicy`;
const GET_POLICY = `${ADMIN}/GetLoginPolicy`;
/** AddSecondFactorToLoginPolicyRequest { type: SECOND_FACTOR_TYPE_OTP_SMS }: a valid write. */
const ADD_OTP_SMS = new Uint8Array([0x08, 0x04]);
/** That message gzipped, then cut short. */
const TRUNCATED_GZIP = gzipSync(ADD_OTP_SMS).subarray(0, 12);
/** Invalid UTF-8: a lone continuation byte and a byte that never occurs in UTF-8. */
const NOT_UTF8 = Buffer.from([0x80, 0xff]);

function auth(): Record<string, string> {
  return { authorization: `Bearer ${server.adminToken}` };
}

afterAll(() => {
  // Nothing here is a fault of the server's.
  expect(server.logs.filter((line) => (line.level as number) >= 50)).toEqual([]);
});

interface GrpcAnswer {
  status: number;
  grpcStatus: string | undefined;
  grpcMessage: string;
}

/** One gRPC call over h2c with the given headers and raw body. */
function grpcCall(path: string, headers: Record<string, string>, body: Uint8Array): Promise<GrpcAnswer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(server.url);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...headers });
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    stream.on("response", (h) => (responseHeaders = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", () => {});
    stream.on("end", () => {
      session.close();
      const status = trailers["grpc-status"] ?? responseHeaders["grpc-status"];
      const message = trailers["grpc-message"] ?? responseHeaders["grpc-message"] ?? "";
      resolve({ status: Number(responseHeaders[":status"]), grpcStatus: status as string, grpcMessage: decodeURIComponent(String(message)) });
    });
    stream.on("error", reject);
    stream.end(body);
  });
}

/** A gRPC-Web call over HTTP/1.1; returns the trailer frame's status. */
async function grpcWebCall(path: string, headers: Record<string, string>, body: Uint8Array, contentType = "application/grpc-web+proto") {
  const response = await fetch(server.url + path, { method: "POST", headers: { "content-type": contentType, ...headers }, body });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString("latin1");
  return { status: response.status, grpcStatus: /grpc-status: ?(\d+)/.exec(text)?.[1], text };
}

async function connectCall(path: string, headers: Record<string, string>, body: Uint8Array | string) {
  const response = await fetch(server.url + path, { method: "POST", headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe("a message flagged compressed without an encoding", () => {
  it("is InvalidArgument over gRPC and gRPC-Web, and stores nothing", async () => {
    const flagged = envelope(1, ADD_OTP_SMS);
    const grpc = await withoutEvents(server.databaseUrl, () => grpcCall(ADD_SECOND_FACTOR, auth(), flagged));
    expect(grpc).toMatchObject({ status: 200, grpcStatus: "3" });
    expect(grpc.grpcMessage).toContain("flagged compressed");
    const web = await withoutEvents(server.databaseUrl, () => grpcWebCall(ADD_SECOND_FACTOR, auth(), flagged));
    expect(web.grpcStatus).toBe("3");
    const identity = await grpcCall(ADD_SECOND_FACTOR, { ...auth(), "grpc-encoding": "identity" }, flagged);
    expect(identity.grpcStatus).toBe("3");
  });
});

describe("a body that does not decompress", () => {
  it("is InvalidArgument (HTTP 400) over Connect, and InvalidArgument over gRPC and gRPC-Web", async () => {
    const connect = await withoutEvents(server.databaseUrl, () =>
      connectCall(ADD_SECOND_FACTOR, { "content-type": "application/proto", "content-encoding": "gzip", ...auth() }, TRUNCATED_GZIP),
    );
    expect(connect.status).toBe(400);
    expect(connect.body).toMatchObject({ code: "invalid_argument" });
    const grpc = await grpcCall(ADD_SECOND_FACTOR, { ...auth(), "grpc-encoding": "gzip" }, envelope(1, TRUNCATED_GZIP));
    expect(grpc.grpcStatus).toBe("3");
    const web = await grpcWebCall(ADD_SECOND_FACTOR, { ...auth(), "grpc-encoding": "gzip" }, envelope(1, TRUNCATED_GZIP));
    expect(web.grpcStatus).toBe("3");
  });
});

describe("text that is not UTF-8", () => {
  const uri = (bytes: Buffer) => Buffer.concat([Buffer.from('{"defaultRedirectUri":"https://app.example.com/'), bytes, Buffer.from('"}')]);

  it("is refused in Connect JSON, plain or gzipped, never stored as U+FFFD", async () => {
    for (const [headers, body] of [
      [{ "content-type": "application/json" }, uri(NOT_UTF8)],
      [{ "content-type": "application/json; charset=utf-8", "content-encoding": "gzip" }, gzipSync(uri(NOT_UTF8))],
    ] as const) {
      const answer = await withoutEvents(server.databaseUrl, () => connectCall(UPDATE_POLICY, { ...headers, ...auth() }, body));
      expect(answer.status).toBe(400);
      expect(answer.body.message).toContain("not valid UTF-8");
    }
  });

  it("is refused in a JSON message in an envelope (gRPC-Web)", async () => {
    const answer = await withoutEvents(server.databaseUrl, () =>
      grpcWebCall(UPDATE_POLICY, auth(), envelope(0, uri(NOT_UTF8)), "application/grpc-web+json"),
    );
    expect(answer.grpcStatus).toBe("3");
  });

  it("is refused in a string field of a binary message, by protobuf itself", async () => {
    // UpdateLoginPolicyRequest field 8 (default_redirect_uri), length-delimited.
    const message = Buffer.concat([Buffer.from([0x42, 2 + 22]), Buffer.from("https://a.example.com/"), NOT_UTF8]);
    const grpc = await withoutEvents(server.databaseUrl, () => grpcCall(UPDATE_POLICY, auth(), envelope(0, message)));
    expect(grpc.grpcStatus).toBe("3");
  });

  it("is refused in a REST body and a REST query", async () => {
    const body = await withoutEvents(server.databaseUrl, () =>
      fetch(`${server.url}/admin/v1/policies/login`, { method: "PUT", headers: auth(), body: uri(NOT_UTF8) }),
    );
    expect(body.status).toBe(400);
    const query = await fetch(`${server.url}/management/v1/policies/login?x=%FF`, { headers: auth() });
    expect(query.status).toBe(400);
    expect(((await query.json()) as { message: string }).message).toContain("not valid percent-encoded UTF-8");
  });

});

describe("a default redirect URI", () => {
  it("of a scheme other than http and https is InvalidArgument and stores nothing", async () => {
    for (const defaultRedirectUri of ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "vbscript:x"]) {
      const answer = await withoutEvents(server.databaseUrl, () =>
        fetch(`${server.url}/admin/v1/policies/login`, { method: "PUT", headers: auth(), body: JSON.stringify({ defaultRedirectUri }) }),
      );
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as any).details[0].id).toBe("IAM-SFdqd");
    }
  });
});

describe("a deadline", () => {
  it("longer than a timer holds is shortened to the cap, without a Node warning, over gRPC and Connect", async () => {
    const grpc = await grpcCall(GET_POLICY, { ...auth(), "grpc-timeout": "600H" }, envelope(0, new Uint8Array()));
    expect(grpc.grpcStatus).toBe("0");
    const web = await grpcWebCall(GET_POLICY, { ...auth(), "grpc-timeout": "99999999H" }, envelope(0, new Uint8Array()));
    expect(web.grpcStatus).toBe("0");
    const connect = await connectCall(GET_POLICY, { "content-type": "application/json", "connect-timeout-ms": "9999999999", ...auth() }, "{}");
    expect(connect.status).toBe(200);
    expect(warnings.filter((warning) => warning.name === "TimeoutOverflowWarning")).toEqual([]);
  });

  it("that is malformed is InvalidArgument", async () => {
    const grpc = await grpcCall(GET_POLICY, { ...auth(), "grpc-timeout": "1X" }, envelope(0, new Uint8Array()));
    expect(grpc.grpcStatus).toBe("3");
    const connect = await connectCall(GET_POLICY, { "content-type": "application/json", "connect-timeout-ms": "soon", ...auth() }, "{}");
    expect(connect.status).toBe(400);
  });
});

describe("two authorization headers", () => {
  const request = (method: string, path: string, headers: string, body = "") =>
    `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${server.adminToken}\r\nAuthorization: Bearer someone-else\r\n` +
    `${headers}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

  it("are Unauthenticated with a message that says so, over Connect, gRPC-Web and REST, even when both are valid", async () => {
    const port = server.address.port;
    const connect = parseRawResponse(await withoutEvents(server.databaseUrl, () =>
      rawHttp1(port, request("POST", ADD_SECOND_FACTOR, "Content-Type: application/json\r\n", '{"type":"SECOND_FACTOR_TYPE_OTP_SMS"}')),
    ));
    expect(connect.status).toBe(401);
    expect(JSON.parse(connect.body).message).toBe("Errors.Token.Repeated (AUTH-Tw0h3): send one authorization header, not 2");

    const web = await rawHttp1(port, request("POST", GET_POLICY, "Content-Type: application/grpc-web+proto\r\n", "\0\0\0\0\0"));
    expect(web).toMatch(/grpc-status: ?16/);
    expect(web).toContain("AUTH-Tw0h3");

    const rest = parseRawResponse(await rawHttp1(port, request("GET", "/admin/v1/policies/login", "")));
    expect(rest.status).toBe(401);
    expect(JSON.parse(rest.body).details[0].id).toBe("AUTH-Tw0h3");
  });
});

describe("HEAD", () => {
  it("is served wherever GET is: the same status and headers, no body", async () => {
    for (const [path, headers] of [
      ["/admin/v1/policies/login", auth()],
      ["/management/v1/policies/default/login", auth()],
      ["/openapi.json", {}],
      ["/admin/v1/policies/login", {}],
    ] as const) {
      // As sent, not decoded: fetch would gunzip what it asked gzipped.
      const sent = { ...headers, "accept-encoding": "identity" };
      const get = await fetch(server.url + path, { headers: sent });
      const getBody = Buffer.from(await get.arrayBuffer());
      const head = await fetch(server.url + path, { method: "HEAD", headers: sent });
      expect(head.status).toBe(get.status);
      expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
      expect(head.headers.get("content-length")).toBe(String(getBody.length));
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    }
  });

  it("answers with the headers of the GET it stands for, gzipped ones too", async () => {
    const gzipped = { "accept-encoding": "gzip" };
    const get = await fetch(`${server.url}/openapi.json`, { headers: gzipped });
    const head = await fetch(`${server.url}/openapi.json`, { method: "HEAD", headers: gzipped });
    for (const name of ["content-type", "content-encoding", "content-length", "etag"]) {
      expect([name, head.headers.get(name)]).toEqual([name, get.headers.get(name)]);
    }
    expect(head.headers.get("content-encoding")).toBe("gzip");
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });
});
