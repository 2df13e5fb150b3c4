/**
 * Field paths ("details.resource_owner") on request messages, as path variables, query
 * parameters and body rules name them: by proto name or JSON name, stepping through
 * singular message fields.
 */
import type { DescEnum, DescField, DescMessage, ScalarType } from "@bufbuild/protobuf";

/** The fields along the path, or undefined if a step names no field or passes a non-message. */
export function resolveFieldPath(message: DescMessage, path: string): DescField[] | undefined {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const name of path.split(".")) {
    const field: DescField | undefined = current?.fields.find((f) => f.name === name || f.jsonName === name);
    if (!field) return undefined;
    fields.push(field);
    current = field.fieldKind === "message" ? field.message : undefined;
  }
  return fields;
}

/** Whether one path is the other or lies inside it: setting both would clash. */
export function overlaps(a: readonly DescField[], b: readonly DescField[]): boolean {
  const shorter = Math.min(a.length, b.length);
  return a.slice(0, shorter).every((field, i) => field === b[i]);
}

/** The message types whose JSON form is a string, so that a path or query value can carry them. */
const STRING_VALUED_MESSAGES = new Set(["google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask"]);

/**
 * What a single value of the field is: the scalar, enum or message of a singular or
 * repeated field. Maps have no single value.
 */
export type FieldValueKind =
  | { readonly kind: "scalar"; readonly scalar: ScalarType }
  | { readonly kind: "enum"; readonly enum: DescEnum }
  | { readonly kind: "message"; readonly message: DescMessage; readonly stringValued: boolean }
  | { readonly kind: "map" };

export function valueKind(field: DescField): FieldValueKind {
  switch (field.fieldKind) {
    case "map":
      return { kind: "map" };
    case "enum":
      return { kind: "enum", enum: field.enum };
    case "message":
      return messageKind(field.message);
    case "scalar":
      return { kind: "scalar", scalar: field.scalar };
    case "list":
      if (field.listKind === "enum") return { kind: "enum", enum: field.enum };
      if (field.listKind === "message") return messageKind(field.message);
      return { kind: "scalar", scalar: field.scalar };
  }
}

function messageKind(message: DescMessage): FieldValueKind {
  return { kind: "message", message, stringValued: STRING_VALUED_MESSAGES.has(message.typeName) };
}
