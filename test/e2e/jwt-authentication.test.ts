/**
 * JWT access tokens of an external OpenID Connect issuer: what is accepted, and each way a
 * token is refused. The issuer signs with ES256 (the only algorithm the server is configured
 * to accept); its key set, read from a file, also publishes an RS256 key. The subject holds
 * IAM_OWNER, so every write below would be accepted with a valid token, and every refusal
 * leaves the event log as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { expectRefused, TOKEN_INVALID } from "../support/access-refusals.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { accessToken, AUDIENCE, ISSUER, issuerSettings, keySet, KeySetFile, signingKey, type SigningKey, type TokenOptions } from "../support/jwt-issuer.js";
import { Principals } from "../support/principals.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const SUBJECT = "alice@issuer.example.com";

let server: TestServer;
let client: GrpcJsClient;
/** Published, ES256. */
let key: SigningKey;
/** Published too, ES256: a token naming no kid matches both. */
let secondKey: SigningKey;
/** Published, RS256: an algorithm the server does not accept. */
let rsaKey: SigningKey;

beforeAll(async () => {
  [key, secondKey, rsaKey] = await Promise.all([signingKey("es-1"), signingKey("es-2"), signingKey("rsa-1", "RS256")]);
  const file = new KeySetFile(keySet(key, secondKey, rsaKey));
  server = await startTestServer(issuerSettings({ file: file.path }, "ES256"));
  client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
  await new Principals(server).grant(SUBJECT, { instance: ["IAM_OWNER"] });
});

afterAll(async () => {
  client.close();
  await server.close();
  removeTempDirs();
});

/** SMS codes are not among the default second factors: an IAM_OWNER may add them. */
function addSms(token: string) {
  return client.call("admin", "AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }, bearer(token));
}

async function refused(token: Promise<string>): Promise<string> {
  const jwt = await token;
  return expectRefused(server.databaseUrl, () => addSms(jwt), TOKEN_INVALID);
}

function token(options: TokenOptions = {}, signer = key): Promise<string> {
  return accessToken(signer, SUBJECT, options);
}

describe("a valid token", () => {
  it("is accepted as its subject, by the roles granted to that user ID", async () => {
    const jwt = await token();
    expectOk(await addSms(jwt));
    expectOk(await client.call("admin", "RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }, bearer(jwt)));
  });

  it("is accepted a few seconds after its expiry, for clocks that disagree a little", async () => {
    const now = Math.floor(Date.now() / 1000);
    expectOk(await client.call("admin", "GetLoginPolicy", {}, bearer(await token({ claims: { exp: now - 2 } }))));
  });

  it("does not stop personal access tokens from working", async () => {
    expectOk(await client.call("admin", "GetLoginPolicy", {}, bearer(server.adminToken)));
  });
});

describe("refused with Unauthenticated, Errors.Token.Invalid", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("an expired token", async () => {
    expect(await refused(token({ claims: { exp: now() - 60 } }))).toContain("the token has expired");
  });

  it("a token not valid yet", async () => {
    expect(await refused(token({ claims: { nbf: now() + 600 } }))).toContain('the token\'s "nbf" claim is not accepted');
  });

  it("a token of another issuer", async () => {
    expect(await refused(token({ claims: { iss: "https://other.example.com" } }))).toContain('the token\'s "iss" claim is not accepted');
  });

  it("a token for another audience", async () => {
    expect(await refused(token({ claims: { aud: "another-service" } }))).toContain('the token\'s "aud" claim is not accepted');
  });

  it("a token without sub", async () => {
    expect(await refused(token({ claims: { sub: undefined } }))).toContain('the token\'s "sub" claim is missing');
  });

  it("a token without exp", async () => {
    expect(await refused(token({ claims: { exp: undefined } }))).toContain('the token\'s "exp" claim is missing');
  });

  it("a token whose sub is not a user ID (not a string, or empty)", async () => {
    for (const sub of [42, "", { id: SUBJECT }]) {
      expect(await refused(token({ claims: { sub: sub as string } }))).toContain('the token\'s "sub" claim is not accepted');
    }
  });

  it("a token signed by a key the issuer does not publish (unknown kid)", async () => {
    const stranger = await signingKey("unknown-kid");
    expect(await refused(token({}, stranger))).toContain("the token is not signed by a key of the issuer");
  });

  it("a token naming a published kid but signed by another key", async () => {
    const impostor = { ...(await signingKey(key.kid)), publicJwk: undefined };
    expect(await refused(token({}, impostor))).toContain("the token's signature is not valid");
  });

  it("a token naming no kid, where the issuer publishes several keys for its algorithm", async () => {
    expect(await refused(token({ header: { kid: undefined } }))).toContain("the token names no key (kid)");
  });

  it("a token signed with HS256 and a shared secret", async () => {
    const shared: SigningKey = { kid: key.kid, alg: "HS256", secret: new TextEncoder().encode("a shared secret of thirty-two bytes!") };
    expect(await refused(token({}, shared))).toContain("the token's signing algorithm is not accepted");
  });

  it("a token signed with RS256 by a published key, when only ES256 is accepted", async () => {
    expect(await refused(token({}, rsaKey))).toContain("the token's signing algorithm is not accepted");
  });

  it("a token that requires an extension the server does not know (crit)", async () => {
    const extension = "urn:example:must-understand";
    const marked = token({ header: { crit: [extension], [extension]: true }, crit: { [extension]: true } });
    expect(await refused(marked)).toContain("the token requires a JOSE extension that is not supported");
  });

  it("a token whose signature was altered or cut short", async () => {
    const [header, payload, signature] = (await token()).split(".");
    const altered = `${signature!.slice(0, -4)}${signature!.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    for (const forged of [altered, signature!.slice(0, 40)]) {
      expect(await refused(Promise.resolve(`${header}.${payload}.${forged}`))).toContain("the token's signature is not valid");
    }
  });

  it("a token whose claims were changed after signing", async () => {
    const [header, , signature] = (await token()).split(".");
    const forged = Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: "root", exp: 9_999_999_999 })).toString("base64url");
    expect(await refused(Promise.resolve(`${header}.${forged}.${signature}`))).toContain("the token's signature is not valid");
  });

  it("an unsecured token (alg none), with or without a signature", async () => {
    const [, payload] = (await token()).split(".");
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    await refused(Promise.resolve(`${header}.${payload}.`));
    expect(await refused(Promise.resolve(`${header}.${payload}.c2lnbmVk`))).toContain("the token's signing algorithm is not accepted");
  });

  it("three dots' worth of garbage", async () => {
    expect(await refused(Promise.resolve("abc.def.ghi"))).toContain("the token is not a valid JWT");
  });
});
