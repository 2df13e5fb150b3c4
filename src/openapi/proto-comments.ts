/**
 * The comments written above proto elements, read from the source info of descriptors
 * built from the proto files (the descriptors embedded in gen/ carry none). A location's
 * path is the chain of field numbers and indexes that leads from the file to the element
 * (descriptor.proto, SourceCodeInfo.Location.path).
 */
import type { DescEnum, DescEnumValue, DescField, DescFile, DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";

export type CommentedDesc = DescService | DescMethod | DescMessage | DescField | DescEnum | DescEnumValue;

// Field numbers in descriptor.proto that lead to each kind of element.
const FILE_MESSAGE = 4;
const FILE_ENUM = 5;
const FILE_SERVICE = 6;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED = 3;
const MESSAGE_ENUM = 4;
const ENUM_VALUE = 2;
const SERVICE_METHOD = 2;

/** The element's leading comment as one paragraph per blank-line-separated block; undefined if none. */
export function commentOf(desc: CommentedDesc): string | undefined {
  const wanted = pathOf(desc).join(",");
  const location = fileOf(desc).proto.sourceCodeInfo?.location.find((l) => l.path.join(",") === wanted);
  const text = location?.leadingComments?.trim();
  if (!text) return undefined;
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.split("\n").map((line) => line.trim()).join(" "))
    .join("\n\n");
}

function pathOf(desc: CommentedDesc): number[] {
  switch (desc.kind) {
    case "service":
      return [FILE_SERVICE, desc.file.services.indexOf(desc)];
    case "rpc":
      return [...pathOf(desc.parent), SERVICE_METHOD, desc.parent.methods.indexOf(desc)];
    case "message":
      return desc.parent
        ? [...pathOf(desc.parent), MESSAGE_NESTED, desc.parent.nestedMessages.indexOf(desc)]
        : [FILE_MESSAGE, desc.file.messages.indexOf(desc)];
    case "field":
      return [...pathOf(desc.parent), MESSAGE_FIELD, desc.parent.proto.field.indexOf(desc.proto)];
    case "enum":
      return desc.parent
        ? [...pathOf(desc.parent), MESSAGE_ENUM, desc.parent.nestedEnums.indexOf(desc)]
        : [FILE_ENUM, desc.file.enums.indexOf(desc)];
    case "enum_value":
      return [...pathOf(desc.parent), ENUM_VALUE, desc.parent.values.indexOf(desc)];
  }
}

function fileOf(desc: CommentedDesc): DescFile {
  switch (desc.kind) {
    case "rpc":
      return desc.parent.file;
    case "field":
      return desc.parent.file;
    case "enum_value":
      return desc.parent.file;
    default:
      return desc.file;
  }
}
