/**
 * What one value of a field is, for the places where a value arrives as text (path
 * variables, query parameters) or is described (OpenAPI schemas).
 */
import type { DescEnum, DescField, DescMessage, ScalarType } from "@bufbuild/protobuf";

/** The message types whose JSON form is a string, so that a path or query value can carry them. */
const STRING_VALUED_MESSAGES = new Set(["google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask"]);

/**
 * What one value of the field is: the scalar, enum or message of a singular field, of each
 * element of a repeated one, of each value of a map.
 */
export type FieldValueKind =
  | { readonly kind: "scalar"; readonly scalar: ScalarType }
  | { readonly kind: "enum"; readonly enum: DescEnum }
  | { readonly kind: "message"; readonly message: DescMessage; readonly stringValued: boolean };

export function valueKind(field: DescField): FieldValueKind {
  switch (field.fieldKind) {
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
    case "map":
      if (field.mapKind === "enum") return { kind: "enum", enum: field.enum };
      if (field.mapKind === "message") return messageKind(field.message);
      return { kind: "scalar", scalar: field.scalar };
  }
}

function messageKind(message: DescMessage): FieldValueKind {
  return { kind: "message", message, stringValued: STRING_VALUED_MESSAGES.has(message.typeName) };
}
