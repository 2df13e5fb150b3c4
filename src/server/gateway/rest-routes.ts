/**
 * The REST routes, read from the google.api.http rules the proto files attach to each RPC:
 * one route per binding (the rule and its additional_bindings), under the service's prefix.
 * A rule that cannot be served (a variable or body naming no field) stops the start.
 */
import { getOption, hasOption, type DescField, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { http } from "../../../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../../../gen/google/api/http_pb.js";
import { resolveFieldPath } from "./field-path.js";
import { valueKind } from "./field-value.js";
import { parsePathTemplate, type PathTemplate } from "./path-template.js";

export interface RestRoute {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The full path template, prefix included. */
  readonly template: PathTemplate;
  readonly rpc: DescMethod;
  /** What the body carries: the whole request ("*"), one top-level field, or nothing. */
  readonly body: { readonly kind: "request" } | { readonly kind: "field"; readonly field: DescField } | { readonly kind: "none" };
  /** The fields the template's variables bind, by the variable's field path. */
  readonly variableFields: ReadonlyMap<string, readonly DescField[]>;
}

/**
 * Where a service's routes start, as ZITADEL mounts them: a v1 API under its proto package
 * without the leading organization ("zitadel.admin.v1" serves under "/admin/v1"); the newer
 * APIs at the root, since their rules carry the whole path ("/v2/settings/login").
 */
export function restPrefix(service: DescService): string {
  const [, ...path] = service.file.proto.package.split(".");
  return path.at(-1) === "v1" ? `/${path.join("/")}` : "";
}

export function restRoutes(services: readonly DescService[]): RestRoute[] {
  const routes = services.flatMap((service) =>
    service.methods
      .filter((rpc) => hasOption(rpc, http))
      .flatMap((rpc) => {
        const rule = getOption(rpc, http);
        return [rule, ...rule.additionalBindings].map((binding) => route(restPrefix(service), rpc, binding));
      }),
  );
  const seen = new Set<string>();
  for (const { method, template } of routes) {
    const key = `${method} ${template.text}`;
    if (seen.has(key)) throw new Error(`two RPCs are bound to ${key}`);
    seen.add(key);
  }
  return routes;
}

function route(prefix: string, rpc: DescMethod, rule: HttpRule): RestRoute {
  const where = `${rpc.parent.typeName}.${rpc.name}`;
  const [method, path] = methodAndPath(rule, where);
  if (!path.startsWith("/")) throw new Error(`${where}: path "${path}" does not start with "/"`);
  const template = parsePathTemplate(prefix + path);
  const variableFields = new Map(template.variables.map((fieldPath) => [fieldPath, variableField(rpc, fieldPath, where)]));
  return { method, template, rpc, body: bodyOf(rpc, rule.body, where), variableFields };
}

function methodAndPath(rule: HttpRule, where: string): [method: string, path: string] {
  const { pattern } = rule;
  switch (pattern.case) {
    case "get":
    case "put":
    case "post":
    case "delete":
    case "patch":
      return [pattern.case.toUpperCase(), pattern.value];
    case "custom":
      return [pattern.value.kind.toUpperCase(), pattern.value.path];
    case undefined:
      throw new Error(`${where}: its google.api.http rule names no method and path`);
  }
}

/** A variable binds one singular field whose value a path segment can carry. */
function variableField(rpc: DescMethod, fieldPath: string, where: string): DescField[] {
  const fields = resolveFieldPath(rpc.input, fieldPath);
  const last = fields?.at(-1);
  const kind = last && valueKind(last);
  const bindable = kind?.kind === "scalar" || kind?.kind === "enum" || (kind?.kind === "message" && kind.stringValued);
  if (!fields || !bindable || last!.fieldKind === "list" || last!.fieldKind === "map") {
    throw new Error(`${where}: path variable "${fieldPath}" names no singular scalar field of ${rpc.input.typeName}`);
  }
  return fields;
}

function bodyOf(rpc: DescMethod, body: string, where: string): RestRoute["body"] {
  if (body === "") return { kind: "none" };
  if (body === "*") return { kind: "request" };
  const field = rpc.input.fields.find((f) => f.name === body);
  if (!field) throw new Error(`${where}: body "${body}" names no top-level field of ${rpc.input.typeName}`);
  return { kind: "field", field };
}
