/** google.api.http path templates: what they match, what they bind, and what they refuse. */
import { describe, expect, it } from "@jest/globals";
import { parsePathTemplate } from "../../../src/server/gateway/path-template.js";

const bound = (template: string, path: string) => {
  const found = parsePathTemplate(template).match(path);
  return found && Object.fromEntries(found);
};

describe("a path template", () => {
  it("matches literal segments exactly, and nothing longer, shorter or with a trailing slash", () => {
    expect(bound("/admin/v1/policies/login", "/admin/v1/policies/login")).toEqual({});
    for (const path of ["/admin/v1/policies/login/", "/admin/v1/policies", "/admin/v1/policies/login/x", "/admin/v1/policies/logins"]) {
      expect(bound("/admin/v1/policies/login", path)).toBeUndefined();
    }
  });

  it("binds a variable to one segment, still percent-encoded", () => {
    expect(bound("/f/{type}", "/f/SECOND_FACTOR_TYPE_OTP")).toEqual({ type: "SECOND_FACTOR_TYPE_OTP" });
    expect(bound("/f/{type}", "/f/a%2Fb")).toEqual({ type: "a%2Fb" });
    expect(bound("/f/{type}", "/f/a/b")).toBeUndefined();
    expect(bound("/f/{type}", "/f/")).toBeUndefined();
  });

  it("binds nested field paths, variables with segments of their own, wildcards and verbs", () => {
    expect(bound("/v1/{book.name=shelves/*/books/*}", "/v1/shelves/1/books/2")).toEqual({ "book.name": "shelves/1/books/2" });
    expect(bound("/v1/{name=files/**}", "/v1/files/a/b/c")).toEqual({ name: "files/a/b/c" });
    expect(bound("/v1/{name=files/**}", "/v1/files/")).toEqual({ name: "files/" });
    expect(bound("/v1/*/items/{id}", "/v1/anything/items/7")).toEqual({ id: "7" });
    expect(bound("/v1/things/{id}:undelete", "/v1/things/7:undelete")).toEqual({ id: "7" });
    expect(bound("/v1/things/{id}:undelete", "/v1/things/7")).toBeUndefined();
  });

  it("treats the template's literals as text, not as a pattern", () => {
    expect(bound("/v1/a.b", "/v1/aXb")).toBeUndefined();
  });

  it("writes itself in OpenAPI's notation, unless it has a wildcard OpenAPI cannot express", () => {
    expect(parsePathTemplate("/x/{type}").openApiPath()).toBe("/x/{type}");
    expect(parsePathTemplate("/v1/{name=shelves/*}:get").openApiPath()).toBe("/v1/{name}:get");
    expect(() => parsePathTemplate("/v1/*/items").openApiPath()).toThrow(/wildcard outside a variable/);
  });

  it.each([
    ["no-slash", /expected "\/"/],
    ["/a//b", /expected a literal segment/],
    ["/a/{b", /expected "}"/],
    ["/a/{b={c}}", /variables do not nest/],
    ["/a/{1b}", /expected a field path/],
    ["/a/{b}/{b}", /"b" is bound twice/],
    ["/a/b:", /expected a verb/],
    ["/a/b}", /unexpected character/],
  ])("refuses %s", (template, problem) => {
    expect(() => parsePathTemplate(template)).toThrow(problem);
  });
});
