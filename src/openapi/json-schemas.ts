/**
 * JSON schemas of proto messages and enums as proto3's JSON mapping writes them:
 * lowerCamelCase names, 64-bit integers as strings, enums by name, Timestamp as an RFC 3339
 * string and Duration as seconds with an "s". Messages and enums become named components,
 * collected as they are referred to; well-known types that JSON writes as strings are
 * inlined.
 */
import { ScalarType, type DescEnum, type DescField, type DescMessage } from "@bufbuild/protobuf";
import type { OpenAPIV3 } from "openapi-types";
import { valueKind } from "../server/gateway/field-value.js";
import { commentOf } from "./proto-comments.js";

export type Schema = OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject;

const SCALARS: Record<ScalarType, OpenAPIV3.SchemaObject> = {
  [ScalarType.DOUBLE]: { type: "number", format: "double" },
  [ScalarType.FLOAT]: { type: "number", format: "float" },
  [ScalarType.INT64]: { type: "string", format: "int64" },
  [ScalarType.SINT64]: { type: "string", format: "int64" },
  [ScalarType.SFIXED64]: { type: "string", format: "int64" },
  [ScalarType.UINT64]: { type: "string", format: "uint64" },
  [ScalarType.FIXED64]: { type: "string", format: "uint64" },
  [ScalarType.INT32]: { type: "integer", format: "int32" },
  [ScalarType.SINT32]: { type: "integer", format: "int32" },
  [ScalarType.SFIXED32]: { type: "integer", format: "int32" },
  // As grpc-gateway's generator writes them: OpenAPI has no unsigned 32-bit format.
  [ScalarType.UINT32]: { type: "integer", format: "int64", minimum: 0 },
  [ScalarType.FIXED32]: { type: "integer", format: "int64", minimum: 0 },
  [ScalarType.BOOL]: { type: "boolean" },
  [ScalarType.STRING]: { type: "string" },
  [ScalarType.BYTES]: { type: "string", format: "byte" },
};

const STRING_MESSAGES: Record<string, OpenAPIV3.SchemaObject> = {
  "google.protobuf.Timestamp": { type: "string", format: "date-time" },
  "google.protobuf.Duration": {
    type: "string",
    pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$",
    description: 'Seconds with up to nine decimal places and the suffix "s", e.g. "3600s".',
  },
  "google.protobuf.FieldMask": { type: "string", description: "Field paths, comma-separated, in lowerCamelCase." },
};

/** Well-known messages whose JSON is not their fields', and that no message here uses. */
const UNSUPPORTED = new Set(
  ["Value", "ListValue", "DoubleValue", "FloatValue", "Int64Value", "UInt64Value"]
    .concat(["Int32Value", "UInt32Value", "BoolValue", "StringValue", "BytesValue"])
    .map((name) => `google.protobuf.${name}`),
);

const ANY: OpenAPIV3.SchemaObject = {
  type: "object",
  description: 'A message of any type: "@type" names it, and its fields follow.',
  properties: { "@type": { type: "string", description: 'The type\'s URL, e.g. "type.googleapis.com/zitadel.v1.ErrorDetail".' } },
  required: ["@type"],
  additionalProperties: true,
};

/** google.protobuf.Struct: its JSON is the object itself. */
const STRUCT: OpenAPIV3.SchemaObject = { type: "object", description: "A JSON object.", additionalProperties: true };

/** Well-known messages with a JSON schema of their own, by name. */
const SPECIAL_MESSAGES: Readonly<Record<string, OpenAPIV3.SchemaObject>> = {
  "google.protobuf.Any": ANY,
  "google.protobuf.Struct": STRUCT,
};

export class ProtoSchemas {
  private readonly collected = new Map<string, OpenAPIV3.SchemaObject>();

  /** A reference to the message's schema (or the string schema of a string-valued well-known type). */
  message(message: DescMessage): Schema {
    const inline = STRING_MESSAGES[message.typeName];
    if (inline) return { ...inline };
    if (UNSUPPORTED.has(message.typeName)) throw new Error(`no JSON schema for ${message.typeName}`);
    return this.component(message.typeName, () => SPECIAL_MESSAGES[message.typeName] ?? this.messageSchema(message));
  }

  /** The schema of a field's JSON value. */
  field(field: DescField): Schema {
    switch (field.fieldKind) {
      case "list":
        return { type: "array", items: this.single(field) };
      case "map":
        return { type: "object", additionalProperties: this.single(field) };
      default:
        return this.single(field);
    }
  }

  /** The schema of one value of the field: its own, one element of a list, one value of a map. */
  single(field: DescField): Schema {
    const kind = valueKind(field);
    switch (kind.kind) {
      case "scalar":
        return { ...SCALARS[kind.scalar] };
      case "enum":
        return this.enum(kind.enum);
      case "message":
        return this.message(kind.message);
    }
  }

  enum(type: DescEnum): Schema {
    return this.component(type.typeName, () => {
      const values = type.values.map((value) => {
        const comment = commentOf(value);
        return `- ${value.name}${comment ? `: ${comment}` : ""}`;
      });
      const description = [commentOf(type), values.join("\n")].filter(Boolean).join("\n\n");
      return { type: "string", enum: type.values.map((value) => value.name), description };
    });
  }

  /** The collected components, by name, in name order. */
  components(): Record<string, OpenAPIV3.SchemaObject> {
    return Object.fromEntries([...this.collected].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** A collected component, for a document that says more about it than its proto does. */
  collectedSchema(name: string): OpenAPIV3.SchemaObject | undefined {
    return this.collected.get(name);
  }

  private component(name: string, build: () => OpenAPIV3.SchemaObject): OpenAPIV3.ReferenceObject {
    if (!this.collected.has(name)) {
      // Placed before it is built, so that a message that contains itself refers to itself.
      this.collected.set(name, {});
      this.collected.set(name, build());
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private messageSchema(message: DescMessage): OpenAPIV3.SchemaObject {
    const properties = Object.fromEntries(message.fields.map((field) => [field.jsonName, this.property(field)]));
    return withDescription({ type: "object", properties }, commentOf(message));
  }

  private property(field: DescField): Schema {
    const schema = this.field(field);
    // A reference takes no description beside it in OpenAPI 3.0.
    return "$ref" in schema ? schema : withDescription(schema, commentOf(field));
  }
}

export function withDescription<T extends OpenAPIV3.SchemaObject>(schema: T, description: string | undefined): T {
  if (!description) return schema;
  return { ...schema, description: schema.description ? `${description}\n\n${schema.description}` : description };
}
