/** Reads a text field of a request message by its proto field path, such as "ctx.org_id". */
import type { DescMessage, Message } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";

/** The string at the path, or undefined where a step is unset or not what the path says. */
export function textAtFieldPath(schema: DescMessage, message: Message, path: string): string | undefined {
  let current: ReflectMessage = reflect(schema, message);
  const names = path.split(".");
  for (const [index, name] of names.entries()) {
    const field = current.fields.find((f) => f.name === name);
    if (!field || !current.isSet(field)) return undefined;
    if (index === names.length - 1) {
      const value: unknown = field.fieldKind === "scalar" ? current.get(field) : undefined;
      return typeof value === "string" ? value : undefined;
    }
    if (field.fieldKind !== "message") return undefined;
    current = current.get(field);
  }
  return undefined;
}
