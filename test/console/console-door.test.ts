/**
 * The console's files, as the real server serves them at /console/ from the build
 * (`npm test` builds first): methods, content types, caching and validators, compression,
 * the page's security headers, and paths that name no file of the console, escapes out of
 * its folder included.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { builtConsoleDir } from "../../src/server/console/console-assets.js";
import { CONTENT_SECURITY_POLICY, consoleDoor } from "../../src/server/console/console-door.js";
import { http2Request } from "../support/http2-request.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A request sent with its path exactly as written: fetch() would resolve "..", this does not. */
function request(origin: string, path: string, method = "GET", headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The hashed script and stylesheet the built index names. */
function builtAssets(): { script: string; stylesheet: string } {
  const files = readdirSync(join(builtConsoleDir(), "assets"));
  const named = (suffix: string) => `/console/assets/${files.find((file) => file.endsWith(suffix))!}`;
  return { script: named(".js"), stylesheet: named(".css") };
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

describe("the console's page", () => {
  it("is served at /console/ as HTML that must be revalidated, under a strict Content-Security-Policy", async () => {
    const page = await request(server.url, "/console/");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect(page.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    const html = page.body.toString();
    expect(html).toContain("<title>Login Policy Service console</title>");
    // Everything it loads is its own, by a path under /console/; nothing is inline.
    const { script, stylesheet } = builtAssets();
    expect(html).toContain(`src="${script}"`);
    expect(html).toContain(`href="${stylesheet}"`);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=|https?:\/\//);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*/);
  });

  it("is served over HTTP/2 too", async () => {
    const answer = await http2Request(server.url, { ":path": "/console/" });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe((await request(server.url, "/console/")).body.toString());
  });

  it("is also /console/index.html, and /console redirects to /console/ keeping the query", async () => {
    const index = await request(server.url, "/console/index.html");
    expect(index.body.toString()).toBe((await request(server.url, "/console/")).body.toString());
    const bare = await request(server.url, "/console?x=1");
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe("/console/?x=1");
  });

  it("answers If-None-Match with its ETag by 304, without a body", async () => {
    const first = await request(server.url, "/console/");
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await request(server.url, "/console/", "GET", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers["cache-control"]).toBe("no-cache");
    const changed = await request(server.url, "/console/", "GET", { "if-none-match": '"another"' });
    expect(changed.status).toBe(200);
  });
});

describe("the console's hashed assets", () => {
  it("are served with their content type and cached for good", async () => {
    const { script, stylesheet } = builtAssets();
    const js = await request(server.url, script);
    expect(js.status).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(Number(js.headers["content-length"])).toBe(js.body.length);
    const css = await request(server.url, stylesheet);
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(css.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("are gzipped for clients that accept it, and not for those that refuse it", async () => {
    const { script } = builtAssets();
    const plain = await request(server.url, script);
    const gzipped = await request(server.url, script, "GET", { "accept-encoding": "gzip, br" });
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    // Both what CORS varies on and what compression does.
    expect(gzipped.headers.vary).toBe("Origin, Accept-Encoding");
    expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);
    expect(gzipped.body.length).toBeLessThan(plain.body.length);
    const refused = await request(server.url, script, "GET", { "accept-encoding": "gzip;q=0, identity" });
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(refused.body.equals(plain.body)).toBe(true);
  });
});

describe("the console's size", () => {
  it("is under 150 KB gzipped, everything the page loads counted", async () => {
    const { script, stylesheet } = builtAssets();
    let total = 0;
    for (const path of ["/console/", script, stylesheet]) {
      total += (await request(server.url, path, "GET", { "accept-encoding": "gzip" })).body.length;
    }
    expect(total).toBeLessThan(150 * 1024);
  });
});

describe("requests the console does not serve", () => {
  it("HEAD answers as GET does, without the body", async () => {
    const { script } = builtAssets();
    for (const path of ["/console/", script]) {
      const get = await request(server.url, path);
      const head = await request(server.url, path, "HEAD");
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers["content-length"]).toBe(get.headers["content-length"]);
      expect(head.headers["content-type"]).toBe(get.headers["content-type"]);
      expect(head.headers.etag).toBe(get.headers.etag);
    }
  });

  it("refuses other methods with 405 and Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const answer = await request(server.url, "/console/", method);
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe("GET, HEAD");
    }
  });

  it("answers 404 for a file the console does not have", async () => {
    for (const path of ["/console/nothing.js", "/console/assets/", "/console/assets/index-00000000.js", "/console/src/main.ts"]) {
      const answer = await request(server.url, path);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.headers["cache-control"]).toBe("no-store");
    }
  });

  it("never leaves its folder, whatever the path says", async () => {
    const escapes = [
      "/console/../package.json",
      "/console/../../package.json",
      "/console/%2e%2e/package.json",
      "/console/%2E%2E%2Fpackage.json",
      "/console/..%2f..%2fpackage.json",
      "/console/assets/..%2f..%2f..%2fsrc%2fmain.ts",
      "/console/%2fetc%2fpasswd",
      "/console//etc/passwd",
      "/console/..\\..\\package.json",
      "/console/%00",
      "/console/%",
      "/console/%E0%A4%A",
    ];
    for (const path of escapes) {
      const answer = await request(server.url, path);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.body.toString()).not.toContain("login-policy-service");
    }
    // The server is still there.
    expect((await request(server.url, "/console/")).status).toBe(200);
  });

  it("leaves paths that merely start alike to the other doors", async () => {
    const answer = await request(server.url, "/consoles");
    expect(answer.status).toBe(404);
    expect(answer.headers["content-type"]).toContain("application/json");
  });
});

/** The door alone on a plain HTTP server, serving the build in root; 418 for what it leaves. */
async function withDoorOn(root: string, use: (origin: string) => Promise<void>): Promise<void> {
  const door = consoleDoor(root);
  const plain = http.createServer((req, res) => {
    if (!door.handle(req, res)) res.writeHead(418).end();
  });
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  try {
    await use(`http://127.0.0.1:${(plain.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => plain.close(resolve));
  }
}

describe("a console that was not built", () => {
  it("says so with 404, and serves no file", async () => {
    await withDoorOn(join(tempDir(), "missing"), async (origin) => {
      const answer = await request(origin, "/console/");
      expect(answer.status).toBe(404);
      expect(answer.body.toString()).toContain("npm run build");
      expect((await request(origin, "/other")).status).toBe(418);
    });
  });

  it("serves what a build holds, and only that", async () => {
    const root = tempDir();
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(join(root, "assets", "app-abc.js"), "export {};");
    writeFileSync(join(root, "notes.unknown"), "x");
    await withDoorOn(root, async (origin) => {
      expect((await request(origin, "/console/")).headers["cache-control"]).toBe("no-cache");
      expect((await request(origin, "/console/assets/app-abc.js")).headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect((await request(origin, "/console/notes.unknown")).headers["content-type"]).toBe("application/octet-stream");
      writeFileSync(join(root, "later.html"), "added after the start");
      expect((await request(origin, "/console/later.html")).status).toBe(404);
    });
  });
});
