/**
 * The checked-in OpenAPI document: current with the proto files, valid OpenAPI 3.0 (checked
 * by an independent validator), complete (every annotated RPC), and saying what proto3's
 * JSON mapping writes.
 */
import { describe, expect, it } from "@jest/globals";
import SwaggerParser from "@apidevtools/swagger-parser";
import { getOption, hasOption } from "@bufbuild/protobuf";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { OpenAPIV3 } from "openapi-types";
import { http } from "../../gen/google/api/annotations_pb.js";
import { auth_option } from "../../gen/zitadel/v1/options_pb.js";
import { POLICY_SERVICES } from "../../src/service.js";
import { currentOpenApi, OPENAPI_FILE } from "../../src/openapi/openapi-file.js";
import { openApi, responseProblems } from "../support/openapi-validator.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

it(`${OPENAPI_FILE} is what the proto files make (run \`npm run openapi\` when this fails)`, () => {
  const checkedIn = readFileSync(`${ROOT}/${OPENAPI_FILE}`, "utf8");
  expect(checkedIn === currentOpenApi(ROOT)).toBe(true);
});

it("is valid OpenAPI 3.0 to an independent validator, references included", async () => {
  await expect(SwaggerParser.validate(structuredClone(openApi) as never)).resolves.toBeDefined();
});

it("has every $ref point at something in the document", () => {
  const refs: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "$ref") refs.push(inner as string);
        else walk(inner);
      }
    }
  };
  walk(openApi);
  expect(refs.length).toBeGreaterThan(50);
  for (const ref of new Set(refs)) {
    const target = ref
      .slice(2)
      .split("/")
      .reduce<any>((node, token) => node?.[token.replaceAll("~1", "/").replaceAll("~0", "~")], openApi);
    expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
  }
});

describe("operations", () => {
  const PREFIX: Record<string, string> = {
    "zitadel.admin.v1.AdminService": "/admin/v1",
    "zitadel.management.v1.ManagementService": "/management/v1",
    "lps.v1.PolicyReachService": "/v1",
    "lps.v1.LoginPolicyWatchService": "/v1",
    "zitadel.settings.v2.SettingsService": "",
  };
  const rpcs = POLICY_SERVICES.flatMap((service) => service.methods.filter((rpc) => hasOption(rpc, http)));
  const operationOf = (rpc: (typeof rpcs)[number]): OpenAPIV3.OperationObject => {
    const { pattern } = getOption(rpc, http);
    const item = openApi.paths[PREFIX[rpc.parent.typeName]! + String(pattern.value)] as Record<string, OpenAPIV3.OperationObject>;
    const operation = item[pattern.case!];
    if (!operation) throw new Error(`no operation for ${rpc.parent.name}.${rpc.name}`);
    return operation;
  };

  it("are one per annotated RPC, at its route, named and tagged by its service", () => {
    expect(rpcs).toHaveLength(38);
    for (const rpc of rpcs) {
      expect(operationOf(rpc)).toMatchObject({ operationId: `${rpc.parent.name}_${rpc.name}`, tags: [rpc.parent.name] });
    }
    expect(openApi.tags?.map((tag) => tag.name)).toEqual([
      "AdminService",
      "ManagementService",
      "PolicyReachService",
      "LoginPolicyWatchService",
      "SettingsService",
    ]);
  });

  it("are summed up by the RPC's comment in the proto file", () => {
    const get = operationOf(rpcs.find((rpc) => rpc.parent.name === "AdminService" && rpc.name === "GetLoginPolicy")!);
    expect(get.summary).toBe("Returns the instance's default login policy.");
    expect(rpcs.every((rpc) => operationOf(rpc).summary)).toBe(true);
  });

  it("answer the error schema by default, and need a bearer token", () => {
    for (const rpc of rpcs) expect(operationOf(rpc).responses.default).toEqual({ $ref: "#/components/responses/Error" });
    expect(openApi.security).toEqual([{ bearerAuth: [] }]);
    expect(openApi.components?.securitySchemes?.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("take x-zitadel-orgid on the operations that act on an organization only", () => {
    const orgHeader = { $ref: "#/components/parameters/x-zitadel-orgid" };
    for (const rpc of rpcs) {
      const parameters = operationOf(rpc).parameters ?? [];
      expect({ rpc: `${rpc.parent.name}.${rpc.name}`, header: parameters.some((p) => "$ref" in p && p.$ref === orgHeader.$ref) }).toEqual({
        rpc: `${rpc.parent.name}.${rpc.name}`,
        header: rpc.parent.name === "ManagementService" || getOption(rpc, auth_option).permission === "policy.read",
      });
    }
    expect(openApi.components?.parameters?.["x-zitadel-orgid"]).toMatchObject({ name: "x-zitadel-orgid", in: "header", required: false });
  });

  it("take a factor type in the path as the enum, and bodies as the request message", () => {
    const remove = openApi.paths["/admin/v1/policies/login/multi_factors/{type}"]!.delete!;
    expect(remove.parameters).toEqual([
      { name: "type", in: "path", required: true, description: "By name or by number.", schema: { $ref: "#/components/schemas/zitadel.policy.v1.MultiFactorType" } },
      { $ref: "#/components/parameters/if-match" },
      { $ref: "#/components/parameters/x-lps-dry-run" },
    ]);
    expect(remove.requestBody).toBeUndefined();
    // Reads take no write conditions.
    expect(openApi.paths["/admin/v1/policies/login"]!.get!.parameters).toBeUndefined();
    const add = openApi.paths["/admin/v1/policies/login/multi_factors"]!.post!;
    expect(add.requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/zitadel.admin.v1.AddMultiFactorToLoginPolicyRequest" } } },
    });
  });
});

describe("schemas", () => {
  const schemas = openApi.components!.schemas! as Record<string, OpenAPIV3.SchemaObject>;
  const property = (message: string, field: string) => schemas[message]!.properties![field] as OpenAPIV3.SchemaObject;

  it("write 64-bit integers as strings, timestamps as RFC 3339 and durations as seconds", () => {
    expect(property("zitadel.v1.ObjectDetails", "sequence")).toMatchObject({ type: "string", format: "uint64" });
    expect(property("zitadel.v1.ObjectDetails", "changeDate")).toMatchObject({ type: "string", format: "date-time" });
    expect(property("zitadel.policy.v1.LoginPolicy", "passwordCheckLifetime")).toMatchObject({ type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$" });
  });

  it("name fields in lowerCamelCase and enums by their value names", () => {
    expect(Object.keys(schemas["zitadel.policy.v1.LoginPolicy"]!.properties!)).toContain("useDefaultUriForNotificationLinks");
    expect(schemas["zitadel.policy.v1.MultiFactorType"]).toMatchObject({
      type: "string",
      enum: ["MULTI_FACTOR_TYPE_UNSPECIFIED", "MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"],
    });
    expect(property("zitadel.policy.v1.LoginPolicy", "secondFactors")).toEqual({
      type: "array",
      items: { $ref: "#/components/schemas/zitadel.policy.v1.SecondFactorType" },
    });
  });

  it("describe the error as a google.rpc.Status whose details are ErrorDetails", () => {
    expect(property("google.rpc.Status", "code")).toMatchObject({ type: "integer", format: "int32" });
    expect(property("google.rpc.Status", "details")).toMatchObject({
      type: "array",
      items: { allOf: [{ $ref: "#/components/schemas/google.protobuf.Any" }, { $ref: "#/components/schemas/zitadel.v1.ErrorDetail" }] },
    });
    expect(schemas["google.protobuf.Any"]).toMatchObject({ required: ["@type"] });
  });

  it("refuse bodies that proto3 JSON would not write", () => {
    const route = ["get", "/admin/v1/policies/login"] as const;
    const details = { sequence: "5", creationDate: "2026-01-02T03:04:05.678Z", changeDate: "2026-01-02T03:04:05Z", resourceOwner: "1" };
    expect(responseProblems(...route, { policy: { details, multiFactors: ["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"] } })).toEqual([]);
    expect(responseProblems(...route, { policy: { details: { ...details, sequence: 5 } } })).toEqual(["/policy/details/sequence must be string"]);
    expect(responseProblems(...route, { policy: { multiFactors: [1] } })).toContain("/policy/multiFactors/0 must be string");
    expect(responseProblems(...route, { policy: { details: { ...details, changeDate: "yesterday" } } })).toEqual([
      '/policy/details/changeDate must match format "date-time"',
    ]);
  });
});
