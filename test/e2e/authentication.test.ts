/**
 * Who may call at all: the authorization header and personal access tokens, through an
 * independent gRPC client (@grpc/grpc-js), Connect JSON and REST; and what needs no token.
 * Every refusal is tried on a write the caller's roles would allow, and leaves the event log
 * as it was.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { bearer, policyClients, transport } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { expectRefused, TOKEN_INVALID, TOKEN_MISSING, withoutEvents } from "../support/access-refusals.js";
import { advanceClock, restartClock, stopClock } from "../support/clock.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { accessToken, signingKey } from "../support/jwt-issuer.js";
import { Principals, type Principal } from "../support/principals.js";
import { ReflectionClient } from "../support/reflection-client.js";
import { rest } from "../support/rest-client.js";
import { SERVED_SERVICES } from "../support/served-services.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let client: GrpcJsClient;
let principals: Principals;
/** Holds IAM_OWNER: with a valid token, each write refused below would be accepted. */
let owner: Principal;

beforeAll(async () => {
  server = await startTestServer();
  client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
  principals = new Principals(server);
  owner = await principals.machineUser(server.instance.defaultOrgId, { instance: ["IAM_OWNER"] });
});

afterEach(restartClock);

afterAll(async () => {
  client.close();
  await server.close();
  removeTempDirs();
});

/** A write that an IAM_OWNER may make: SMS codes are not among the default second factors. */
function addSms(headers: Record<string, string>) {
  return client.call("admin", "AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }, headers);
}

function readPolicy(headers: Record<string, string>) {
  return client.call("admin", "GetLoginPolicy", {}, headers);
}

function refused(headers: Record<string, string>, expected = TOKEN_INVALID): Promise<string> {
  return expectRefused(server.databaseUrl, () => addSms(headers), expected);
}

describe("the authorization header", () => {
  it("missing: Unauthenticated, Errors.Token.Missing, saying what to send", async () => {
    expect(await refused({}, TOKEN_MISSING)).toContain("authorization: Bearer <token>");
  });

  it("empty: Unauthenticated, as if missing", async () => {
    await refused({ authorization: "" }, TOKEN_MISSING);
  });

  it("another scheme, no scheme, no token or two after Bearer: Unauthenticated, Errors.Token.Invalid", async () => {
    const basic = `Basic ${Buffer.from("admin:secret").toString("base64")}`;
    for (const authorization of [basic, `Token ${owner.token}`, owner.token, "Bearer", `Bearer ${owner.token} ${owner.token}`]) {
      expect(await refused({ authorization })).toContain("expected authorization: Bearer <token>");
    }
  });

  it("absurdly long: Unauthenticated, Errors.Token.Invalid", async () => {
    await refused(bearer(`lps_${"A".repeat(20_000)}`));
  });

  it("takes the scheme in any case, as HTTP does", async () => {
    expectOk(await readPolicy({ authorization: `bearer ${owner.token}` }));
    expectOk(await readPolicy({ authorization: `BEARER ${owner.token}` }));
  });
});

describe("personal access tokens", () => {
  it("an unknown one: Unauthenticated, Errors.Token.Invalid", async () => {
    expect(await refused(bearer(`lps_${"x".repeat(43)}`))).toContain("the token is unknown or revoked");
  });

  it("a revoked one: Unauthenticated from the moment it is revoked", async () => {
    const user = await principals.machineUser(server.instance.defaultOrgId, { instance: ["IAM_OWNER"] });
    expectOk(await readPolicy(bearer(user.token)));
    await principals.revokeToken(user);
    expect(await refused(bearer(user.token))).toContain("the token is unknown or revoked");
  });

  it("an expired one: Unauthenticated once its expiry has passed", async () => {
    stopClock();
    const user = await principals.machineUser(server.instance.defaultOrgId, { instance: ["IAM_OWNER"] }, new Date(Date.now() + 60_000));
    expectOk(await readPolicy(bearer(user.token)));
    advanceClock(60_000);
    expect(await refused(bearer(user.token))).toContain("the token has expired");
  });

  it("a JWT, when no issuer is configured: Unauthenticated, saying JWTs are not accepted", async () => {
    const jwt = await accessToken(await signingKey("k1"), owner.userId);
    expect(await refused(bearer(jwt))).toContain("JWT access tokens are not accepted");
  });

  it("a valid one is accepted, and the write it allows is made", async () => {
    expectOk(await addSms(bearer(owner.token)));
    expectOk(await client.call("admin", "RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }, bearer(owner.token)));
  });
});

describe("over Connect JSON", () => {
  it("an unknown token is Unauthenticated with the ErrorDetail, and writes nothing", async () => {
    const { admin } = policyClients("connect-json", server.url, bearer(`lps_${"y".repeat(43)}`));
    const error = await withoutEvents(server.databaseUrl, () =>
      admin.addSecondFactorToLoginPolicy({ type: 4 }).then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      ),
    );
    expect(error?.code).toBe(Code.Unauthenticated);
    expect(error?.findDetails(ErrorDetailSchema)).toEqual([
      expect.objectContaining({ id: TOKEN_INVALID.id, message: TOKEN_INVALID.key }),
    ]);
  });
});

describe("over REST", () => {
  const path = "/admin/v1/policies/login/second_factors";
  const body = { type: "SECOND_FACTOR_TYPE_OTP_SMS" };

  it("a revoked token is 401 with a Bearer challenge naming the token invalid, and writes nothing", async () => {
    const user = await principals.machineUser(server.instance.defaultOrgId, { instance: ["IAM_OWNER"] });
    await principals.revokeToken(user);
    const answer = await withoutEvents(server.databaseUrl, () => rest(server.url, "POST", path, { body, headers: bearer(user.token) }));
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="lps", error="invalid_token", error_description="Errors.Token.Invalid"');
    expect(answer.body.details).toEqual([{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id: TOKEN_INVALID.id, message: TOKEN_INVALID.key }]);
  });

  it("another scheme is 401 with a challenge naming the request invalid", async () => {
    const answer = await withoutEvents(server.databaseUrl, () =>
      rest(server.url, "POST", path, { body, headers: { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` } }),
    );
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="lps", error="invalid_request"');
    expect(answer.body.details[0].id).toBe(TOKEN_INVALID.id);
  });
});

describe("what needs no token", () => {
  it("health answers without one, and with one that is not valid", async () => {
    for (const headers of [{}, bearer("not-a-token")]) {
      const health = createClient(Health, transport("grpc", server.url, headers));
      expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    }
  });

  it("reflection lists the services without one", async () => {
    const reflection = new ReflectionClient(`127.0.0.1:${server.address.port}`, "v1");
    try {
      expect(await reflection.services()).toEqual(SERVED_SERVICES);
    } finally {
      await reflection.close();
    }
  });
});
