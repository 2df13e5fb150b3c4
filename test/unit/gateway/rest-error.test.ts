/**
 * The REST error answer: grpc-gateway's google.rpc.Status body, the HTTP status of each code,
 * and the Bearer challenge of RFC 6750 on 401 (whichever way authentication refuses).
 */
import { describe, expect, it } from "@jest/globals";
import { Code, ConnectError } from "@connectrpc/connect";
import { pino } from "pino";
import { unauthenticated, DomainError, type ErrorCode } from "../../../src/errors.js";
import { restError } from "../../../src/server/gateway/rest-error.js";
import { createStatusMapper } from "../../../src/interceptors/status-mapping.js";

const toStatus = createStatusMapper(pino({ level: "silent" }));
const answer = (error: unknown, options = {}) => {
  const response = restError(toStatus(error), options);
  return { ...response, body: JSON.parse(String(response.body)) };
};

describe("a REST error", () => {
  it("is the Status as proto3 JSON, its ErrorDetail spelled out as an Any with its type first", () => {
    const response = restError(toStatus(new DomainError("AlreadyExists", "Org-3M9od", "Errors.Org.LoginPolicy.MFA.AlreadyExists")));
    expect(response.status).toBe(409);
    expect(response.headers).toEqual({ "content-type": "application/json" });
    expect(response.body).toBe(
      '{"code":6,"message":"Errors.Org.LoginPolicy.MFA.AlreadyExists (Org-3M9od)","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"Org-3M9od","message":"Errors.Org.LoginPolicy.MFA.AlreadyExists"}]}',
    );
  });

  it.each([
    ["InvalidArgument", 400],
    ["FailedPrecondition", 400],
    ["Unauthenticated", 401],
    ["PermissionDenied", 403],
    ["NotFound", 404],
    ["AlreadyExists", 409],
    ["Aborted", 409],
    ["ResourceExhausted", 429],
    ["Canceled", 408],
    ["Internal", 500],
    ["Unimplemented", 501],
    ["Unavailable", 503],
    ["DeadlineExceeded", 504],
  ] as const)("answers %s with HTTP %i", (code, status) => {
    const response = answer(new DomainError(code as ErrorCode, "TEST-1d0k", "Errors.Test"));
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(Code[code]);
  });

  it("takes another HTTP status and headers when the caller says so (a wrong method: 405, Allow)", () => {
    const response = answer(new DomainError("Unimplemented", "TEST-M3th0", "Errors.Test"), { httpStatus: 405, headers: { allow: "GET" } });
    expect(response.status).toBe(405);
    expect(response.headers).toEqual({ "content-type": "application/json", allow: "GET" });
  });
});

describe("a 401", () => {
  const refused = unauthenticated("AUTH-7fs1e", "Errors.Token.Invalid", "the token is not valid");
  const challenge = (authorization?: string) => answer(refused, { authorization }).headers["www-authenticate"];

  it("challenges a request without credentials to bring a bearer token", () => {
    expect(challenge()).toBe('Bearer realm="lps"');
  });

  it("tells a request whose bearer token was refused that the token is the problem", () => {
    expect(challenge("Bearer abc")).toBe('Bearer realm="lps", error="invalid_token", error_description="Errors.Token.Invalid"');
    expect(challenge("bearer abc")).toContain('error="invalid_token"');
  });

  it("tells a request with credentials of another kind that the request is the problem", () => {
    expect(challenge("Basic dXNlcjpwYXNz")).toBe('Bearer realm="lps", error="invalid_request"');
  });

  it("carries the challenge also when the framework, not the domain, refused", () => {
    expect(answer(new ConnectError("no token", Code.Unauthenticated)).headers["www-authenticate"]).toBe('Bearer realm="lps"');
  });

  it("is the only error with a challenge", () => {
    expect(answer(new DomainError("PermissionDenied", "AUTH-5mWD2", "Errors.Permission.Denied")).headers).not.toHaveProperty("www-authenticate");
  });
});
