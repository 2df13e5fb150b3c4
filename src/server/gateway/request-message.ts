/**
 * The request message of a REST call, as proto3 JSON, by the rules of google.api.http (as
 * grpc-gateway applies them): the body fills the whole request ("*") or its one field; the
 * path's variables set the fields they name, over anything the body said; the query sets
 * the fields that neither binds, and is not read when the body carries the whole request.
 *
 * The values are checked only as far as the JSON cannot say it: enum names and numbers,
 * and booleans. Everything else (numbers, timestamps, unknown body fields) is left to
 * protobuf's JSON parser, so that it is refused exactly as a Connect JSON call would be. Where the gateway itself is more demanding than grpc-gateway,
 * it says so: an unknown query parameter or one naming a bound field is refused, not ignored.
 */
import { ScalarType, type DescEnum, type DescField, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import type { DomainError } from "../../errors.js";
import { malformedRequest } from "../../interceptors/request-errors.js";
import { overlaps, resolveFieldPath } from "./field-path.js";
import { valueKind } from "./field-value.js";
import type { RestRoute } from "./rest-routes.js";

export interface RestBindings {
  /** The path variables' raw (percent-encoded) values, by field path. */
  readonly variables: ReadonlyMap<string, string>;
  readonly query: URLSearchParams;
  /** The parsed body; undefined when it was empty or the route reads none. */
  readonly body: JsonValue | undefined;
}

export function requestJson(route: RestRoute, bindings: RestBindings): JsonObject {
  const json = fromBody(route, bindings.body);
  for (const [fieldPath, raw] of bindings.variables) {
    const fields = route.variableFields.get(fieldPath)!;
    const where = `path variable "${fieldPath}"`;
    setField(json, fields, valueFromText(fields.at(-1)!, decodePathValue(raw, where), where));
  }
  if (route.body.kind === "request") {
    const [first] = bindings.query.keys();
    if (first !== undefined) {
      throw invalid(`query parameter "${first}": this route takes the whole request in the body, so it reads no query`);
    }
  } else {
    for (const name of new Set(bindings.query.keys())) setQueryField(json, route, name, bindings.query.getAll(name));
  }
  return json;
}

function fromBody(route: RestRoute, body: JsonValue | undefined): JsonObject {
  switch (route.body.kind) {
    case "none":
      return {};
    case "field":
      return body === undefined ? {} : { [route.body.field.jsonName]: body };
    case "request":
      if (body === undefined) return {};
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw invalid(`the body must be a JSON object: the fields of ${route.rpc.input.typeName}`);
      }
      return body;
  }
}

function setQueryField(json: JsonObject, route: RestRoute, name: string, values: string[]): void {
  const where = `query parameter "${name}"`;
  const fields = resolveFieldPath(route.rpc.input, name);
  if (!fields) throw invalid(`${where}: ${route.rpc.input.typeName} has no such field`);
  const bound = [...route.variableFields.values(), ...(route.body.kind === "field" ? [[route.body.field]] : [])];
  if (bound.some((other) => overlaps(other, fields))) {
    throw invalid(`${where}: the field is already bound by the path or the body`);
  }
  const field = fields.at(-1)!;
  if (field.fieldKind === "map") throw invalid(`${where}: ${field.name} is a map, which the query cannot set`);
  if (field.fieldKind === "list") {
    setField(json, fields, values.map((value) => valueFromText(field, value, where)));
    return;
  }
  if (values.length > 1) throw invalid(`${where}: given ${values.length} times, but its field takes one value`);
  setField(json, fields, valueFromText(field, values[0]!, where));
}

/** Sets the field at the path, creating the messages on the way; replaces what was there. */
function setField(json: JsonObject, fields: readonly DescField[], value: JsonValue): void {
  let target = json;
  for (const field of fields.slice(0, -1)) {
    const key = Object.hasOwn(target, field.name) ? field.name : field.jsonName;
    const next = target[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) target[key] = {};
    target = target[key] as JsonObject;
  }
  const last = fields.at(-1)!;
  delete target[last.name];
  target[last.jsonName] = value;
}

/** A value from the path or the query, as its field's JSON. */
function valueFromText(field: DescField, text: string, where: string): JsonValue {
  const kind = valueKind(field);
  switch (kind.kind) {
    case "enum":
      return enumValue(kind.enum, text, where);
    case "scalar":
      return kind.scalar === ScalarType.BOOL ? boolValue(text, where) : text;
    case "message":
      if (kind.stringValued) return text;
      throw invalid(`${where}: ${field.name} is a message; set its fields one by one, e.g. ${field.name}.<field>`);
  }
}

/** An enum value by name or by number, as grpc-gateway takes it; the number must be defined. */
function enumValue(type: DescEnum, text: string, where: string): JsonValue {
  if (type.values.some((value) => value.name === text)) return text;
  if (/^-?\d+$/.test(text) && type.value[Number(text)] !== undefined) return Number(text);
  const names = type.values.map((value) => value.name).join(", ");
  throw invalid(`${where}: "${text}" is not a ${type.typeName}; use one of ${names}, or its number`);
}

/** The spellings Go's strconv.ParseBool accepts, which grpc-gateway uses. */
const BOOLEANS = new Map<string, boolean>([
  ...["1", "t", "T", "TRUE", "true", "True"].map((text) => [text, true] as const),
  ...["0", "f", "F", "FALSE", "false", "False"].map((text) => [text, false] as const),
]);

function boolValue(text: string, where: string): boolean {
  const value = BOOLEANS.get(text);
  if (value === undefined) throw invalid(`${where}: "${text}" is not a boolean; use true or false`);
  return value;
}

function decodePathValue(raw: string, where: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalid(`${where}: "${raw}" is not valid percent-encoding`);
  }
}

/** A request that cannot become a message, named as every protocol names one. */
function invalid(message: string): DomainError {
  return malformedRequest(message);
}
