/**
 * Field paths ("details.resource_owner") on request messages, as path variables, query
 * parameters and body rules name them: by proto name or JSON name, stepping through
 * singular message fields.
 */
import type { DescField, DescMessage } from "@bufbuild/protobuf";

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
