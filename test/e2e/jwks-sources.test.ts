/**
 * Where the issuer's signing keys come from, and when they are read again: a JWKS file
 * (rotated by replacing it) and a JWKS URL served by a real HTTP server on 127.0.0.1 (cached,
 * fetched again for a kid it does not know, at most every 30 seconds). The clock is held
 * still and moved by the tests, so no test waits for a cache or depends on the machine's speed.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { expectRefused, KEYS_UNAVAILABLE, TOKEN_INVALID } from "../support/access-refusals.js";
import { advanceClock, restartClock, stopClock } from "../support/clock.js";
import { expectError, expectOk } from "../support/grpc-outcomes.js";
import { serveJwks, type JwksServer } from "../support/jwks-server.js";
import { accessToken, issuerSettings, keySet, KeySetFile, signingKey, type SigningKey } from "../support/jwt-issuer.js";
import { Principals } from "../support/principals.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const SUBJECT = "reader@issuer.example.com";

let oldKey: SigningKey;
let newKey: SigningKey;
const servers: TestServer[] = [];
const clients: GrpcJsClient[] = [];

beforeAll(async () => {
  [oldKey, newKey] = await Promise.all([signingKey("2024-key"), signingKey("2025-key")]);
});

afterAll(async () => {
  for (const client of clients) client.close();
  for (const server of servers) await server.close();
  removeTempDirs();
});

/** A server that takes the issuer's tokens, the subject holding IAM_OWNER_VIEWER; and how to read as that subject. */
async function serve(keys: { file: string } | { url: string }) {
  const server = await startTestServer(issuerSettings(keys));
  servers.push(server);
  const client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
  clients.push(client);
  await new Principals(server).grant(SUBJECT, { instance: ["IAM_OWNER_VIEWER"] });
  const read = async (key: SigningKey) => client.call("admin", "GetLoginPolicy", {}, bearer(await accessToken(key, SUBJECT)));
  const refused = async (key: SigningKey, expected = TOKEN_INVALID) => {
    const jwt = await accessToken(key, SUBJECT);
    return expectRefused(server.databaseUrl, () => client.call("admin", "GetLoginPolicy", {}, bearer(jwt)), expected);
  };
  return { read, refused, logs: server.logs, client };
}

describe("a JWKS file", () => {
  afterAll(restartClock);

  it("is read again when it changes, at most once a second, so that keys can be rotated", async () => {
    const file = new KeySetFile(keySet(oldKey));
    const { read, refused } = await serve({ file: file.path });
    stopClock();
    expectOk(await read(oldKey));
    expect(await refused(newKey)).toContain("the token is not signed by a key of the issuer");

    file.publish(keySet(newKey));
    // Within the second the file was last looked at, the keys read then still count.
    expectOk(await read(oldKey));
    advanceClock(1000);
    expectOk(await read(newKey));
    expect(await refused(oldKey)).toContain("the token is not signed by a key of the issuer");
  });
});

describe("a JWKS URL", () => {
  let issuer: JwksServer;
  let read: (key: SigningKey) => ReturnType<GrpcJsClient["call"]>;
  let refused: (key: SigningKey) => Promise<string>;

  // One clock for the whole story: the cache's age is measured on it.
  beforeAll(async () => {
    issuer = await serveJwks(keySet(oldKey));
    ({ read, refused } = await serve({ url: issuer.url }));
    stopClock();
  });

  afterAll(async () => {
    restartClock();
    await issuer.close();
  });

  it("is fetched when a token first needs it, then cached", async () => {
    expect(issuer.fetches()).toBe(0);
    for (let call = 0; call < 3; call++) expectOk(await read(oldKey));
    expect(issuer.fetches()).toBe(1);
  });

  it("is fetched again when a token names a kid it does not know, but at most every 30 seconds", async () => {
    issuer.publish(keySet(oldKey, newKey));
    const before = issuer.fetches();
    // The last fetch is under 30 s old: an unknown kid does not make it fetch again.
    advanceClock(29_000);
    await refused(newKey);
    expect(issuer.fetches()).toBe(before);

    advanceClock(1000);
    expectOk(await read(newKey));
    expect(issuer.fetches()).toBe(before + 1);

    // Made up kids cannot make it fetch on every call.
    await refused(await signingKey("made-up"));
    expect(issuer.fetches()).toBe(before + 1);
  });

  it("is fetched again once it is ten minutes old, which ends keys the issuer withdrew", async () => {
    issuer.publish(keySet(newKey));
    expectOk(await read(oldKey));
    const before = issuer.fetches();
    advanceClock(10 * 60 * 1000);
    expectOk(await read(newKey));
    expect(issuer.fetches()).toBe(before + 1);
    await refused(oldKey);
  });
});

describe("a JWKS URL that cannot be reached", () => {
  it("makes JWTs Unavailable, not Unauthenticated: the token may be fine", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const url = `http://127.0.0.1:${port}/jwks.json`;
    const { refused, logs, client } = await serve({ url });
    expect(await refused(oldKey, KEYS_UNAVAILABLE)).toContain("try again");
    // The caller learns to try again; the log tells the operator why, and which call it failed.
    const headers = { ...bearer(await accessToken(oldKey, SUBJECT)), "x-request-id": "keys-away-1" };
    expectError(await client.call("admin", "GetLoginPolicy", {}, headers), KEYS_UNAVAILABLE);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 40, msg: "JWT signing keys cannot be had", requestId: "keys-away-1", jwks: { url }, reason: expect.any(String) }),
    );
  });
});
