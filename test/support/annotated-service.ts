/**
 * A small proto service made in the test, for google.api.http rules the project's own
 * protos do not use (query parameters, nested fields, bindings that must be refused):
 *
 *     package acme.things.v1;
 *     message Inner { bool flag = 1; string note = 2; }
 *     message Thing { string id = 1; Inner inner = 2; repeated int64 sizes = 3;
 *                     acme.things.v1.Colour colour = 4; google.protobuf.Duration ttl = 5;
 *                     repeated Inner parts = 6; }
 *     enum Colour { COLOUR_UNSPECIFIED = 0; COLOUR_RED = 1; }
 *     service ThingService { rpc Touch(Thing) returns (Thing) { option (google.api.http) = <rule>; } }
 */
import { create, createFileRegistry, setExtension, type DescService, type MessageInitShape } from "@bufbuild/protobuf";
import {
  file_google_protobuf_duration,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  MethodOptionsSchema,
} from "@bufbuild/protobuf/wkt";
import { http } from "../../gen/google/api/annotations_pb.js";
import { HttpRuleSchema } from "../../gen/google/api/http_pb.js";

const { STRING, BOOL, INT64, ENUM, MESSAGE } = FieldDescriptorProto_Type;

/** A field; its names are single words, so the JSON name is the proto name. */
function field(name: string, number: number, type: FieldDescriptorProto_Type, more: { typeName?: string; label?: FieldDescriptorProto_Label } = {}) {
  return { name, jsonName: name, number, type, label: FieldDescriptorProto_Label.OPTIONAL, ...more };
}

export function annotatedService(rule: MessageInitShape<typeof HttpRuleSchema>): DescService {
  const options = create(MethodOptionsSchema);
  setExtension(options, http, create(HttpRuleSchema, rule));
  const repeated = { label: FieldDescriptorProto_Label.REPEATED };
  const file = create(FileDescriptorProtoSchema, {
    name: "acme/things/v1/things.proto",
    package: "acme.things.v1",
    syntax: "proto3",
    dependency: ["google/protobuf/duration.proto"],
    enumType: [{ name: "Colour", value: [{ name: "COLOUR_UNSPECIFIED", number: 0 }, { name: "COLOUR_RED", number: 1 }] }],
    messageType: [
      { name: "Inner", field: [field("flag", 1, BOOL), field("note", 2, STRING)] },
      {
        name: "Thing",
        field: [
          field("id", 1, STRING),
          field("inner", 2, MESSAGE, { typeName: ".acme.things.v1.Inner" }),
          field("sizes", 3, INT64, repeated),
          field("colour", 4, ENUM, { typeName: ".acme.things.v1.Colour" }),
          field("ttl", 5, MESSAGE, { typeName: ".google.protobuf.Duration" }),
          field("parts", 6, MESSAGE, { typeName: ".acme.things.v1.Inner", ...repeated }),
        ],
      },
    ],
    service: [{ name: "ThingService", method: [{ name: "Touch", inputType: ".acme.things.v1.Thing", outputType: ".acme.things.v1.Thing", options }] }],
  });
  const registry = createFileRegistry(file, (name) => (name === file_google_protobuf_duration.proto.name ? file_google_protobuf_duration : undefined));
  return registry.getService("acme.things.v1.ThingService")!;
}
