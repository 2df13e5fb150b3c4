/**
 * openapi.json, the checked-in OpenAPI document of the REST API: what it should hold, made
 * from the proto files of the project.
 */
import { POLICY_SERVICES } from "../service.js";
import { formatOpenApi, openApiDocument } from "./openapi-document.js";
import { buildProtoImage } from "./proto-image.js";

/** Where the document lives, relative to the project's root. */
export const OPENAPI_FILE = "openapi.json";

/** The file's content as the proto files of the project at `root` make it. */
export function currentOpenApi(root: string): string {
  const names = POLICY_SERVICES.map((service) => service.typeName);
  return formatOpenApi(openApiDocument(buildProtoImage(root), names));
}
