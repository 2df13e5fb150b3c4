/**
 * The REST gateway over real HTTP: every route of both services, the error body and HTTP
 * status of each failure, path variables, query parameters and headers, against the real
 * server on a fresh SQLite file. Every body is also checked against the schema the
 * checked-in OpenAPI document gives it.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bearer } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { orgCreation } from "../../src/command/org-creation.js";
import { http2Request } from "../support/http2-request.js";
import { errorProblems, openApi, responseProblems } from "../support/openapi-validator.js";
import { rest as restCall, type RestAnswer, type RestRequest } from "../support/rest-client.js";
import { takeDocumentAway } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let orgId: string;

beforeAll(async () => {
  server = await startTestServer();
  orgId = server.instance.defaultOrgId;
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

/** A call with the admin token, as every policy call must carry one. */
function rest(method: string, path: string, request: RestRequest = {}): Promise<RestAnswer> {
  return restCall(server.url, method, path, { ...request, headers: { ...bearer(server.adminToken), ...request.headers } });
}

/** Asserts a success whose body matches the operation's response schema; returns the body. */
function ok(answer: RestAnswer, method: string, route: string): any {
  if (answer.status !== 200) throw new Error(`expected 200, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  expect(answer.headers.get("content-type")).toBe("application/json");
  expect(responseProblems(method, route, answer.body)).toEqual([]);
  return answer.body;
}

/** Asserts the gateway's error body: google.rpc.Status with exactly one ErrorDetail. */
function failure(answer: RestAnswer, httpStatus: number, code: number, id: string, key: string): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: httpStatus, code });
  expect(answer.headers.get("content-type")).toBe("application/json");
  expect(answer.body.details).toEqual([{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id, message: key }]);
  expect(answer.body.message.startsWith(`${key} (${id})`)).toBe(true);
  expect(errorProblems(answer.body)).toEqual([]);
}

const settings = {
  allowUsernamePassword: true,
  allowExternalIdp: true,
  forceMfa: true,
  passwordlessType: "PASSWORDLESS_TYPE_ALLOWED",
  hidePasswordReset: true,
  defaultRedirectUri: "https://app.example.com/home",
  passwordCheckLifetime: "3600s",
  externalLoginCheckLifetime: "7200s",
  mfaInitSkipLifetime: "0s",
  secondFactorCheckLifetime: "1800.000000500s",
  multiFactorCheckLifetime: "900s",
  disableLoginWithEmail: true,
  forceMfaLocalOnly: true,
};

const org = () => ({ headers: { "x-zitadel-orgid": orgId } });

describe("every route", () => {
  const exercised = new Set<string>();
  const call = async (method: string, route: string, path: string, request: RestRequest = {}) => {
    exercised.add(`${method} ${route}`);
    return ok(await rest(method, path, request), method, route);
  };

  it("GET /admin/v1/policies/login reads the default policy in proto3 JSON, leaving out fields at their default", async () => {
    const { policy } = await call("GET", "/admin/v1/policies/login", "/admin/v1/policies/login");
    expect(policy).toMatchObject({
      isDefault: true,
      passwordlessType: "PASSWORDLESS_TYPE_ALLOWED",
      passwordCheckLifetime: "864000s",
      secondFactors: ["SECOND_FACTOR_TYPE_OTP", "SECOND_FACTOR_TYPE_U2F"],
      multiFactors: ["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"],
      details: { resourceOwner: server.instance.id },
    });
    expect(policy.details.sequence).toMatch(/^\d+$/);
    expect(new Date(policy.details.changeDate).toISOString()).toBe(policy.details.changeDate);
    // As ZITADEL's gateway (protojson without EmitUnpopulated): false, empty and zero are omitted.
    expect(policy).not.toHaveProperty("forceMfa");
    expect(policy).not.toHaveProperty("idps");
  });

  it("PUT /admin/v1/policies/login replaces the settings from the whole body", async () => {
    const { details } = await call("PUT", "/admin/v1/policies/login", "/admin/v1/policies/login", { body: settings });
    expect(details.resourceOwner).toBe(server.instance.id);
    const { policy } = ok(await rest("GET", "/admin/v1/policies/login"), "GET", "/admin/v1/policies/login");
    expect(policy).toMatchObject(settings);
  });

  it("POST /admin/v1/policies/login/second_factors adds a second factor", async () => {
    const path = "/admin/v1/policies/login/second_factors";
    await call("POST", path, path, { body: { type: "SECOND_FACTOR_TYPE_OTP_SMS" } });
  });

  it("POST /admin/v1/policies/login/second_factors/_search lists them, reading no body", async () => {
    const path = "/admin/v1/policies/login/second_factors/_search";
    const listed = await call("POST", path, path, { body: "this is not read" });
    expect(listed.result).toEqual(["SECOND_FACTOR_TYPE_OTP", "SECOND_FACTOR_TYPE_U2F", "SECOND_FACTOR_TYPE_OTP_SMS"]);
    expect(listed.details.totalResult).toBe("3");
  });

  it("DELETE /admin/v1/policies/login/second_factors/{type} takes the factor by name", async () => {
    await call("DELETE", "/admin/v1/policies/login/second_factors/{type}", "/admin/v1/policies/login/second_factors/SECOND_FACTOR_TYPE_OTP_SMS");
    const listed = ok(await rest("POST", "/admin/v1/policies/login/second_factors/_search"), "POST", "/admin/v1/policies/login/second_factors/_search");
    expect(listed.result).toEqual(["SECOND_FACTOR_TYPE_OTP", "SECOND_FACTOR_TYPE_U2F"]);
  });

  it("DELETE /admin/v1/policies/login/multi_factors/{type} takes the factor by number", async () => {
    await call("DELETE", "/admin/v1/policies/login/multi_factors/{type}", "/admin/v1/policies/login/multi_factors/1");
  });

  it("POST /admin/v1/policies/login/multi_factors/_search lists multi-factors", async () => {
    const path = "/admin/v1/policies/login/multi_factors/_search";
    expect((await call("POST", path, path)).result).toBeUndefined();
  });

  it("POST /admin/v1/policies/login/multi_factors adds one, the enum given by number", async () => {
    const path = "/admin/v1/policies/login/multi_factors";
    await call("POST", path, path, { body: { type: 1 } });
    const listed = ok(await rest("POST", `${path}/_search`), "POST", `${path}/_search`);
    expect(listed.result).toEqual(["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"]);
  });

  it("GET /management/v1/policies/login reads the default for an organization without its own", async () => {
    const read = await call("GET", "/management/v1/policies/login", "/management/v1/policies/login", org());
    expect(read).toMatchObject({ isDefault: true, policy: { isDefault: true, details: { resourceOwner: server.instance.id } } });
  });

  it("GET /management/v1/policies/default/login reads the default policy", async () => {
    const path = "/management/v1/policies/default/login";
    expect((await call("GET", path, path, org())).policy).toMatchObject({ isDefault: true, ...settings });
  });

  it("POST /management/v1/policies/login adds the organization's custom policy", async () => {
    const path = "/management/v1/policies/login";
    const body = { ...settings, secondFactors: ["SECOND_FACTOR_TYPE_OTP_EMAIL"], multiFactors: [1] };
    const { details } = await call("POST", path, path, { ...org(), body });
    expect(details.resourceOwner).toBe(orgId);
    const read = ok(await rest("GET", path, org()), "GET", path);
    expect(read.isDefault).toBeUndefined();
    expect(read.policy).toMatchObject({ secondFactors: ["SECOND_FACTOR_TYPE_OTP_EMAIL"], multiFactors: ["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"] });
  });

  it("PUT /management/v1/policies/login updates it", async () => {
    const path = "/management/v1/policies/login";
    await call("PUT", path, path, { ...org(), body: { ...settings, allowRegister: true } });
    expect(ok(await rest("GET", path, org()), "GET", path).policy.allowRegister).toBe(true);
  });

  it("POST /management/v1/policies/login/second_factors adds a second factor to it", async () => {
    const path = "/management/v1/policies/login/second_factors";
    await call("POST", path, path, { ...org(), body: { type: "SECOND_FACTOR_TYPE_U2F" } });
  });

  it("DELETE /management/v1/policies/login/second_factors/{type} removes one, by number", async () => {
    await call("DELETE", "/management/v1/policies/login/second_factors/{type}", "/management/v1/policies/login/second_factors/3", org());
  });

  it("POST /management/v1/policies/login/second_factors/_search lists them", async () => {
    const path = "/management/v1/policies/login/second_factors/_search";
    expect((await call("POST", path, path, org())).result).toEqual(["SECOND_FACTOR_TYPE_U2F"]);
  });

  it("DELETE /management/v1/policies/login/multi_factors/{type} removes a multi-factor, by name", async () => {
    const route = "/management/v1/policies/login/multi_factors/{type}";
    await call("DELETE", route, route.replace("{type}", "MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"), org());
  });

  it("POST /management/v1/policies/login/multi_factors adds it back", async () => {
    const path = "/management/v1/policies/login/multi_factors";
    await call("POST", path, path, { ...org(), body: { type: "MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION" } });
  });

  it("POST /management/v1/policies/login/auth_factors/_search lists multi-factors (ZITADEL's route)", async () => {
    const path = "/management/v1/policies/login/auth_factors/_search";
    expect((await call("POST", path, path, org())).result).toEqual(["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"]);
  });

  it("DELETE /management/v1/policies/login resets the organization to the default", async () => {
    const path = "/management/v1/policies/login";
    await call("DELETE", path, path, org());
    expect(ok(await rest("GET", path, org()), "GET", path).isDefault).toBe(true);
  });

  it("GET /v1/policies/login/reach lists the organizations and whether each follows the default", async () => {
    const path = "/v1/policies/login/reach";
    const { details, result } = await call("GET", path, `${path}?limit=1`);
    expect(Number(details.totalResult)).toBeGreaterThanOrEqual(1);
    expect(result).toHaveLength(1);
  });

  it("POST /admin/v1/events/_search searches the event log, newest first", async () => {
    const path = "/admin/v1/events/_search";
    const { events } = await call("POST", path, path, { body: { limit: 2, aggregateTypes: ["org"] } });
    expect(events).toHaveLength(2);
    expect(events[0].aggregate.type.type).toBe("org");
  });

  it("POST /admin/v1/events/types/_search and /admin/v1/aggregates/types/_search list what the log can hold", async () => {
    const types = "/admin/v1/events/types/_search";
    expect((await call("POST", types, types, { body: {} })).eventTypes.length).toBeGreaterThan(0);
    const aggregates = "/admin/v1/aggregates/types/_search";
    expect((await call("POST", aggregates, aggregates, { body: {} })).aggregateTypes.map((t: any) => t.type)).toContain("org");
  });

  it("GET /v2/settings/login reads the login settings in effect, at ZITADEL's v2 path", async () => {
    const path = "/v2/settings/login";
    const { settings } = await call("GET", path, `${path}?ctx.orgId=${orgId}`);
    expect(settings.resourceOwnerType).toBe("RESOURCE_OWNER_TYPE_INSTANCE");
  });

  it("answers 501 Unimplemented on the routes of SettingsService's other methods", async () => {
    const unserved = Object.entries(openApi.paths)
      .filter(([path]) => path.startsWith("/v2/") && path !== "/v2/settings/login")
      .flatMap(([path, item]) => Object.keys(item!).map((method) => [method.toUpperCase(), path] as const));
    expect(unserved).toHaveLength(12);
    for (const [method, path] of unserved) {
      exercised.add(`${method} ${path}`);
      const answer = await rest(method, path, method === "PUT" ? { body: {} } : {});
      failure(answer, 501, 12, "RPC-N0srv", "Errors.Request.MethodNotServed");
    }
  });

  it("covered every operation of the OpenAPI document, which are the annotated RPCs", () => {
    // The event streams of the watch routes are exercised in policy-watch.test.ts.
    const documented = Object.entries(openApi.paths)
      .filter(([path]) => !path.endsWith("/_watch"))
      .flatMap(([path, item]) => Object.keys(item!).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented).toHaveLength(36);
    expect([...exercised].sort()).toEqual(documented.sort());
  });
});

describe("errors answer google.rpc.Status with the HTTP status of its code", () => {
  it("InvalidArgument is 400 (an unspecified factor, or an empty body read as the empty message)", async () => {
    const path = "/admin/v1/policies/login/multi_factors";
    failure(await rest("POST", path, { body: { type: 0 } }), 400, 3, "INSTANCE-5m9fs", "Errors.IAM.LoginPolicy.MFA.Unspecified");
    failure(await rest("POST", path), 400, 3, "INSTANCE-5m9fs", "Errors.IAM.LoginPolicy.MFA.Unspecified");
  });

  it("FailedPrecondition is 400, not 412", async () => {
    ok(await rest("PUT", "/admin/v1/policies/login", { body: { ...settings, hidePasswordReset: false } }), "PUT", "/admin/v1/policies/login");
    const again = await rest("PUT", "/admin/v1/policies/login", { body: { ...settings, hidePasswordReset: false } });
    failure(again, 400, 9, "INSTANCE-5M9vdd", "Errors.IAM.LoginPolicy.NotChanged");
  });

  it("PermissionDenied is 403: the x-zitadel-orgid header reaches authorization, which refuses an unknown organization", async () => {
    const answer = await rest("GET", "/management/v1/policies/login", { headers: { "x-zitadel-orgid": "123456789" } });
    failure(answer, 403, 7, "AUTH-5mWD2", "Errors.Permission.Denied");
  });

  it("NotFound is 404", async () => {
    const answer = await rest("DELETE", "/admin/v1/policies/login/second_factors/SECOND_FACTOR_TYPE_OTP_EMAIL");
    failure(answer, 404, 5, "INSTANCE-3M9od", "Errors.IAM.LoginPolicy.MFA.NotExisting");
  });

  it("AlreadyExists is 409", async () => {
    const answer = await rest("POST", "/admin/v1/policies/login/second_factors", { body: { type: "SECOND_FACTOR_TYPE_OTP" } });
    failure(answer, 409, 6, "INSTANCE-2B0ps", "Errors.IAM.LoginPolicy.MFA.AlreadyExists");
  });

  it("ResourceExhausted is 429: a body over the configured maximum is refused unread", async () => {
    const answer = await rest("PUT", "/admin/v1/policies/login", { body: { defaultRedirectUri: `https://example.com/${"x".repeat(1024 * 1024)}` } });
    failure(answer, 429, 8, "RPC-T00bg", "Errors.Request.TooLarge");
    expect(answer.headers.get("connection")).toBe("close");
  });

  it("Internal is 500 with a generic message and an error ID that the log carries", async () => {
    const putBack = await takeDocumentAway(server.databaseUrl, "login_policies", server.instance.id);
    try {
      const answer = await rest("GET", "/admin/v1/policies/login");
      const id = answer.body.details[0].id;
      failure(answer, 500, 13, id, "Errors.Internal");
      expect(answer.body.message).toBe(`Errors.Internal (${id}): an unexpected error occurred; quote this ID when reporting it`);
      expect(server.logs).toContainEqual(expect.objectContaining({ level: 50, errorId: id, msg: "internal error" }));
    } finally {
      await putBack();
    }
  });

  it("Unauthenticated is 401 with a Bearer challenge (RFC 6750)", async () => {
    const path = "/admin/v1/policies/login";
    const anonymous = await restCall(server.url, "GET", path);
    expect({ status: anonymous.status, code: anonymous.body.code }).toEqual({ status: 401, code: 16 });
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="lps"');
    expect(errorProblems(anonymous.body)).toEqual([]);
    const refused = await restCall(server.url, "GET", path, { headers: { authorization: "Bearer not-a-token" } });
    failure(refused, 401, 16, "AUTH-7fs1e", "Errors.Token.Invalid");
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="lps", error="invalid_token", error_description="Errors.Token.Invalid"');
  });
});

describe("malformed requests are 400 with the ErrorDetail every protocol gives them", () => {
  const invalid = (answer: RestAnswer, explanation: RegExp) => {
    failure(answer, 400, 3, "RPC-1nv4l", "Errors.Request.Invalid");
    expect(answer.body.message).toMatch(explanation);
  };
  const factors = "/admin/v1/policies/login/second_factors";

  it.each([
    ["JSON that does not parse", "{", /the body is not JSON/],
    ["JSON that is not an object", "[1]", /the body must be a JSON object/],
    ["an unknown field", '{"type": 1, "colour": "blue"}', /colour/],
    ["an unknown enum name", '{"type": "SECOND_FACTOR_TYPE_FINGERPRINT"}', /SECOND_FACTOR_TYPE_FINGERPRINT/],
    ["a value of the wrong type", '{"type": true}', /cannot decode enum zitadel.policy.v1.SecondFactorType from JSON: true/],
  ])("a body with %s", async (_case, body, explanation) => {
    invalid(await rest("POST", factors, { body, headers: { "content-type": "application/json" } }), explanation);
  });

  it("a path variable that is no enum name, or a number the enum does not define", async () => {
    invalid(await rest("DELETE", `${factors}/FINGERPRINT`), /path variable "type": "FINGERPRINT" is not a zitadel.policy.v1.SecondFactorType/);
    invalid(await rest("DELETE", `${factors}/99`), /"99" is not a zitadel.policy.v1.SecondFactorType/);
    invalid(await rest("DELETE", `${factors}/%E0%A4%A`), /not valid percent-encoding/);
  });

  it("a path variable 0 is defined, so it reaches the RPC, which refuses it", async () => {
    failure(await rest("DELETE", `${factors}/0`), 400, 3, "INSTANCE-55n8s", "Errors.IAM.LoginPolicy.MFA.Unspecified");
  });

  it("a query parameter that names no field, a bound field, or goes with a body that takes the whole request", async () => {
    invalid(await rest("GET", "/admin/v1/policies/login?pretty=true"), /query parameter "pretty": zitadel.admin.v1.GetLoginPolicyRequest has no such field/);
    invalid(await rest("DELETE", `${factors}/1?type=2`), /query parameter "type": the field is already bound by the path/);
    invalid(await rest("POST", `${factors}?type=1`, { body: {} }), /query parameter "type": this route takes the whole request in the body/);
  });
});

describe("headers", () => {
  it("x-zitadel-orgid selects the organization a Management call acts on", async () => {
    const second = orgCreation("rest-second-org", "Second");
    await server.store.push({ creator: "rest-gateway-test", appends: [second.append], claim: [second.claim] });
    const path = "/management/v1/policies/login";
    const inSecond = { headers: { "x-zitadel-orgid": "rest-second-org" } };
    ok(await rest("POST", path, { ...inSecond, body: { ...settings, secondFactors: ["SECOND_FACTOR_TYPE_OTP"] } }), "POST", path);
    expect(ok(await rest("GET", path, inSecond), "GET", path).policy.details.resourceOwner).toBe("rest-second-org");
    expect(ok(await rest("GET", path, org()), "GET", path).isDefault).toBe(true);
    expect(ok(await rest("GET", path), "GET", path).isDefault).toBe(true);
  });
});

describe("routes", () => {
  it("an unknown path is 404 in the same error shape, wherever it is", async () => {
    for (const path of ["/admin/v1/policies/password", "/", "/zitadel.admin.v1.AdminService/NoSuchMethod", "/admin/v1/policies/login/"]) {
      const answer = await rest("GET", path);
      failure(answer, 404, 5, "REST-N0rt3", "Errors.Route.NotFound");
      expect(answer.body.message).toContain(`GET ${path}`);
    }
  });

  it("a known path with another method is 405 with Allow, as ZITADEL's gateway answers it (Unimplemented)", async () => {
    const policy = await rest("PATCH", "/admin/v1/policies/login", { body: {} });
    failure(policy, 405, 12, "REST-M3th0", "Errors.Route.MethodNotAllowed");
    expect(policy.headers.get("allow")).toBe("GET, HEAD, PUT");
    const management = await rest("GET", "/management/v1/policies/login/second_factors/1");
    expect(management.status).toBe(405);
    expect(management.headers.get("allow")).toBe("DELETE");
  });

  it("serves REST over HTTP/2 as well", async () => {
    const answer = await http2Request(server.url, { ":path": "/admin/v1/policies/login", ...bearer(server.adminToken) });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).policy.isDefault).toBe(true);
  });
});

describe("the road every call travels", () => {
  it("each REST call leaves the RPC's log line, marked as REST", async () => {
    const before = server.logs.length;
    await rest("DELETE", "/admin/v1/policies/login/second_factors/SECOND_FACTOR_TYPE_OTP_SMS");
    expect(server.logs.slice(before).filter((line) => line.msg === "rpc")).toEqual([
      expect.objectContaining({ rpc: "/zitadel.admin.v1.AdminService/RemoveSecondFactorFromLoginPolicy", protocol: "rest", code: "NotFound" }),
    ]);
  });

  it("a request refused before any RPC leaves one line saying so", async () => {
    const before = server.logs.length;
    await rest("GET", "/admin/v1/nothing");
    expect(server.logs.slice(before)).toEqual([expect.objectContaining({ msg: "rest refused", rest: "GET /admin/v1/nothing", code: "NotFound" })]);
  });
});

describe("browsers", () => {
  it("get CORS headers on REST answers, errors included, so that a console can read them", async () => {
    const origin = "https://console.example.com";
    const withCors = await startTestServer({ LPS_CORS_ORIGINS: origin });
    try {
      const read = await restCall(withCors.url, "GET", "/admin/v1/policies/login", { headers: { origin, ...bearer(withCors.adminToken) } });
      const refused = await restCall(withCors.url, "GET", "/admin/v1/policies/login", { headers: { origin } });
      const unknown = await restCall(withCors.url, "GET", "/admin/v1/nothing", { headers: { origin } });
      expect([read.status, refused.status, unknown.status]).toEqual([200, 401, 404]);
      for (const answer of [read, refused, unknown]) expect(answer.headers.get("access-control-allow-origin")).toBe(origin);
      expect(refused.headers.get("access-control-expose-headers")).toContain("WWW-Authenticate");
    } finally {
      await withCors.close();
    }
  });
});

describe("GET /openapi.json", () => {
  it("serves the checked-in document without a token", async () => {
    const answer = await restCall(server.url, "GET", "/openapi.json");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.body).toEqual(openApi);
  });

  it("carries an ETag, and answers 304 without a body to a client that holds it", async () => {
    const first = await restCall(server.url, "GET", "/openapi.json");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get("cache-control")).toBe("no-cache");
    const again = await fetch(`${server.url}/openapi.json`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const changed = await fetch(`${server.url}/openapi.json`, { headers: { "if-none-match": '"another"' } });
    expect(changed.status).toBe(200);
  });

  it("goes gzipped, at a fraction of its size, to clients that accept it", async () => {
    const gzipped = await fetch(`${server.url}/openapi.json`, { headers: { "accept-encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(Number(gzipped.headers.get("content-length"))).toBeLessThan(JSON.stringify(openApi).length / 5);
    expect(await gzipped.json()).toEqual(openApi);
    const plain = await fetch(`${server.url}/openapi.json`, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.json()).toEqual(openApi);
  });

  it("allows GET and HEAD only", async () => {
    const answer = await restCall(server.url, "POST", "/openapi.json", { body: "{}" });
    failure(answer, 405, 12, "REST-M3th0", "Errors.Route.MethodNotAllowed");
    expect(answer.headers.get("allow")).toBe("GET, HEAD");
  });
});
