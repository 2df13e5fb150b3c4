/**
 * /ready says why the server is not serving, whatever the reason; /healthz only says that
 * the process answers. The probes door alone, on a real HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { healthProbes } from "../../../src/server/health/probes.js";
import { Readiness } from "../../../src/server/health/readiness.js";

const readiness = new Readiness();
const probes = healthProbes(readiness);
const server = http.createServer((req, res) => {
  if (probes.handle(req, res)) return;
  res.writeHead(418);
  res.end();
});
let url = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url + path);
  return { status: response.status, body: await response.json() };
}

describe("the probes", () => {
  it("follow readiness from starting to serving to shutting down, while the process stays alive", async () => {
    expect(await get("/ready")).toEqual({ status: 503, body: { status: "NOT_SERVING", reason: "starting" } });
    readiness.databaseAnswered(true);
    expect(await get("/ready")).toEqual({ status: 200, body: { status: "SERVING" } });
    readiness.databaseAnswered(false);
    expect(await get("/ready")).toEqual({ status: 503, body: { status: "NOT_SERVING", reason: "database unavailable" } });
    readiness.shutDown();
    expect(await get("/ready")).toEqual({ status: 503, body: { status: "NOT_SERVING", reason: "shutting down" } });
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "alive" } });
  });

  it("leave every other path to the next door", async () => {
    for (const path of ["/", "/readyz", "/ready/now", "/healthz/"]) expect((await fetch(url + path)).status).toBe(418);
  });
});
