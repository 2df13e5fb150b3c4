/**
 * deploy/nginx.conf, run for real: nginx (Debian's package) in front of three server
 * processes on one database, with only the addresses changed (the replicas' and its own
 * ports, its temporary and log files). gRPC over h2c reaches the replicas with grpc_pass, call by
 * call across all three; REST and Connect over HTTP/1.1 with proxy_pass; the caller's
 * request ID comes back through it. The replicas get the limits per client address that
 * deploy/compose.yaml sets, since nginx is every caller's address.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http2 from "node:http2";
import { join } from "node:path";
import { parse } from "yaml";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { repositoryPath } from "../../harness/repository.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { freePort } from "../support/free-port.js";
import { healthWatch } from "../support/health-calls.js";
import { parseSamples, sampleValue } from "../support/prometheus-text.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { freshDatabaseUrl } from "../support/test-database.js";

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((path) => spawnSync(path, ["-v"]).status === 0);
const describeNginx = NGINX ? describe : describe.skip; // skipped only where nginx is not installed (.ci/run installs it); the reason is in the name too
const skipped = NGINX ? "" : " (skipped: nginx is not installed; Debian's nginx package provides it)";

/** Resolves once something accepts connections on the port. */
async function untilListening(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeNginx(`nginx in front of three replicas${skipped}`, () => {
  const replicas: ServerProcess[] = [];
  let nginx: ChildProcess | undefined;
  let h2Port: number;
  let h1Port: number;
  let token: string;
  let config: string;

  beforeAll(async () => {
    const dir = tempDir();
    // The limits per client address as the recipe sets them behind nginx.
    const { LPS_MAX_CONNECTIONS_PER_ADDRESS, LPS_RATE_LIMIT_PER_ADDRESS } = parse(readFileSync(repositoryPath("deploy/compose.yaml"), "utf8"))
      .services.lps.environment;
    const env = {
      LPS_DATABASE_URL: await freshDatabaseUrl(),
      LPS_ADMIN_PAT_PATH: join(dir, "admin.pat"),
      LPS_METRICS: "open",
      LPS_MAX_CONNECTIONS_PER_ADDRESS,
      LPS_RATE_LIMIT_PER_ADDRESS,
    };
    // The first start creates the instance; the others find it.
    replicas.push(await startServerProcess(env));
    replicas.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
    token = replicas[0]!.adminToken;
    [h2Port, h1Port] = [await freePort(), await freePort()];
    const upstreams = replicas.map((r) => `server ${new URL(r.url).host};`).join("\n    ");
    config = join(dir, "nginx.conf");
    writeFileSync(
      config,
      readFileSync(repositoryPath("deploy/nginx.conf"), "utf8")
        .replaceAll("server lps:8080;", upstreams)
        .replace("listen 8080 http2;", `listen 127.0.0.1:${h2Port} http2;`)
        .replace("listen 8081;", `listen 127.0.0.1:${h1Port};`)
        .replaceAll("/tmp/", `${dir}/`)
        // Node hands children sockets for stdio, which /dev/stderr cannot open.
        .replace("/dev/stderr", join(dir, "error.log"))
        .replace("/dev/stdout", join(dir, "access.log")),
    );
    nginx = spawn(NGINX!, ["-p", dir, "-c", config, "-g", "daemon off;"], { stdio: "ignore" });
    await untilListening(h1Port);
  }, 120_000);

  afterAll(async () => {
    nginx?.kill("SIGTERM");
    await Promise.all(replicas.map((replica) => replica.stop()));
    removeTempDirs();
  }, 60_000);

  it("accepts the configuration (nginx -t)", () => {
    const result = spawnSync(NGINX!, ["-t", "-p", join(config, ".."), "-c", config], { encoding: "utf8" });
    expect(result.stderr).toMatch(/test is successful/);
    expect(result.status).toBe(0);
  });

  it("passes gRPC over h2c to every replica, call by call", async () => {
    const client = new GrpcJsClient(`127.0.0.1:${h2Port}`, undefined, {}, bearer(token));
    try {
      for (let i = 0; i < 30; i++) expect((await client.call("admin", "GetLoginPolicy")).ok).toBe(true);
    } finally {
      client.close();
    }
    const served = await Promise.all(
      replicas.map(async (replica) => {
        const samples = parseSamples(await (await fetch(`${replica.url}/metrics`)).text());
        return sampleValue(samples, "lps_rpc_calls_total", { method: "GetLoginPolicy", protocol: "grpc", code: "OK" });
      }),
    );
    expect(served.reduce((a, b) => a + b, 0)).toBe(30);
    for (const count of served) expect(count).toBeGreaterThan(0);
  });

  it("holds more calls in flight than one address may keep connections by default, with the recipe's settings", async () => {
    // nginx's gRPC proxy opens a connection to a replica for each call in flight, all from
    // its own address: 450 health watches are 150 a replica, over the default cap of 100.
    const sessions = Array.from({ length: 5 }, () => http2.connect(`http://127.0.0.1:${h2Port}`));
    try {
      for (const session of sessions) session.on("error", () => {});
      const watches = await Promise.all(sessions.flatMap((session) => Array.from({ length: 90 }, () => healthWatch(session))));
      expect(watches.filter(({ status }) => status === "open")).toHaveLength(450);
    } finally {
      for (const session of sessions) session.destroy();
    }
  });

  it("passes REST and Connect over HTTP/1.1, and the caller's request ID both ways", async () => {
    const rest = await fetch(`http://127.0.0.1:${h1Port}/admin/v1/policies/login`, { headers: { ...bearer(token), "x-request-id": "through-nginx" } });
    expect(rest.status).toBe(200);
    expect(rest.headers.get("x-request-id")).toBe("through-nginx");
    expect(await rest.json()).toHaveProperty("policy");
    const connect = await fetch(`http://127.0.0.1:${h1Port}/zitadel.admin.v1.AdminService/GetLoginPolicy`, {
      method: "POST",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: "{}",
    });
    expect(connect.status).toBe(200);
    expect(connect.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(await connect.json()).toHaveProperty("policy");
  });
});

