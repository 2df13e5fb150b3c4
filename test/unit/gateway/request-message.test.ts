/**
 * The request message a REST call makes, by grpc-gateway's rules: the body, then the path's
 * variables, then the query for the fields neither binds. Each result must also be proto3
 * JSON that protobuf's own parser accepts for the request type.
 */
import { describe, expect, it } from "@jest/globals";
import { fromJson, type JsonValue, type MessageInitShape } from "@bufbuild/protobuf";
import { DomainError } from "../../../src/errors.js";
import type { HttpRuleSchema } from "../../../gen/google/api/http_pb.js";
import { requestJson } from "../../../src/server/gateway/request-message.js";
import { restRoutes } from "../../../src/server/gateway/rest-routes.js";
import { annotatedService } from "../../support/annotated-service.js";

function build(rule: MessageInitShape<typeof HttpRuleSchema>, path: string, query = "", body?: JsonValue) {
  const [route] = restRoutes([annotatedService(rule)]);
  const variables = route!.template.match(`/things/v1${path}`);
  if (!variables) throw new Error(`${path} does not match ${route!.template.text}`);
  const json = requestJson(route!, { variables, query: new URLSearchParams(query), body });
  fromJson(route!.rpc.input, json);
  return json;
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "InvalidArgument", id: "RPC-1nv4l" });
    return (error as DomainError).message;
  }
  throw new Error("expected InvalidArgument");
}

const get = { pattern: { case: "get", value: "/things/{id}" } } as const;

describe("without a body", () => {
  it("fills every field the path does not bind from the query, by proto or JSON name", () => {
    const json = build(get, "/things/a%20b", "inner.flag=true&inner.note=hi+there&sizes=1&sizes=-2&colour=COLOUR_RED&ttl=3600s");
    expect(json).toEqual({ id: "a b", inner: { flag: true, note: "hi there" }, sizes: ["1", "-2"], colour: "COLOUR_RED", ttl: "3600s" });
  });

  it("takes enums by name or by defined number, and booleans in Go's spellings", () => {
    expect(build(get, "/things/x", "colour=1&inner.flag=F")).toEqual({ id: "x", colour: 1, inner: { flag: false } });
    expect(refusal(() => build(get, "/things/x", "colour=2"))).toMatch(
      /query parameter "colour": "2" is not a acme.things.v1.Colour; use one of COLOUR_UNSPECIFIED, COLOUR_RED/,
    );
    expect(refusal(() => build(get, "/things/x", "colour=red"))).toMatch(/"red" is not a acme.things.v1.Colour/);
    expect(refusal(() => build(get, "/things/x", "inner.flag=yes"))).toMatch(/query parameter "inner.flag": "yes" is not a boolean/);
  });

  it("refuses query parameters that name no field, a bound field, a message, or repeat a single field", () => {
    expect(refusal(() => build(get, "/things/x", "colour=1&shade=2"))).toMatch(/query parameter "shade": acme.things.v1.Thing has no such field/);
    expect(refusal(() => build(get, "/things/x", "id=y"))).toMatch(/query parameter "id": the field is already bound by the path or the body/);
    expect(refusal(() => build(get, "/things/x", "inner=1"))).toMatch(/query parameter "inner": inner is a message; set its fields one by one/);
    expect(refusal(() => build(get, "/things/x", "parts.flag=1"))).toMatch(/query parameter "parts.flag": acme.things.v1.Thing has no such field/);
    expect(refusal(() => build(get, "/things/x", "colour=1&colour=0"))).toMatch(/query parameter "colour": given 2 times, but its field takes one value/);
  });

  it("ignores a body it was not asked to read", () => {
    expect(build(get, "/things/x", "", { id: "from the body" })).toEqual({ id: "x" });
  });
});

describe("with the body as the whole request", () => {
  const post = { pattern: { case: "post", value: "/things/{id}" }, body: "*" } as const;

  it("takes the body, and the path's variables over what the body says", () => {
    expect(build(post, "/things/x", "", { id: "y", sizes: ["3"], colour: "COLOUR_RED" })).toEqual({ sizes: ["3"], colour: "COLOUR_RED", id: "x" });
  });

  it("reads an empty body as the empty message, and refuses a body that is not an object, or a query", () => {
    expect(build(post, "/things/x")).toEqual({ id: "x" });
    expect(refusal(() => build(post, "/things/x", "", [1]))).toMatch(/the body must be a JSON object: the fields of acme.things.v1.Thing/);
    expect(refusal(() => build(post, "/things/x", "colour=1", {}))).toMatch(/query parameter "colour": this route takes the whole request in the body/);
  });
});

describe("with the body as one field", () => {
  const put = { pattern: { case: "put", value: "/things/{id}/inner" }, body: "inner" } as const;

  it("puts the body in that field, and the query in the others", () => {
    expect(build(put, "/things/x/inner", "colour=COLOUR_RED", { flag: true })).toEqual({ inner: { flag: true }, id: "x", colour: "COLOUR_RED" });
  });

  it("refuses a query that reaches into the body's field", () => {
    expect(refusal(() => build(put, "/things/x/inner", "inner.note=n", { flag: true }))).toMatch(/query parameter "inner.note": the field is already bound/);
  });
});

describe("path variables", () => {
  it("are percent-decoded, and refused when the encoding is broken", () => {
    expect(build(get, "/things/%E2%9C%93")).toEqual({ id: "✓" });
    expect(refusal(() => build(get, "/things/%E2%9C"))).toMatch(/path variable "id": "%E2%9C" is not valid percent-encoding/);
  });

  it("set nested fields", () => {
    expect(build({ pattern: { case: "get", value: "/notes/{inner.note}" } }, "/notes/n1", "inner.flag=1")).toEqual({ inner: { note: "n1", flag: true } });
  });
});
