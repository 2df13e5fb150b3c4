/**
 * Checks JSON bodies against the schemas of the checked-in OpenAPI document, with Ajv (an
 * independent JSON Schema validator), so that tests hold the document to what the server
 * really sends. The formats the document uses are checked too: 64-bit integers as decimal
 * strings, RFC 3339 timestamps, 32-bit integers in range.
 */
import { Ajv } from "ajv";
import type { OpenAPIV3 } from "openapi-types";
import document from "../../openapi.json" with { type: "json" };

export const openApi = document as unknown as OpenAPIV3.Document;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
ajv.addFormat("int64", /^-?\d+$/);
ajv.addFormat("uint64", /^\d+$/);
ajv.addFormat("date-time", (text: string) => RFC3339.test(text) && !Number.isNaN(Date.parse(text)));
ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("double", { type: "number", validate: () => true });
ajv.addFormat("float", { type: "number", validate: () => true });
ajv.addFormat("byte", /^[A-Za-z0-9+/]*={0,2}$/);
ajv.addSchema(openApi, "openapi");

/** What Ajv finds wrong with a 200 body of the operation (method, OpenAPI path). */
export function responseProblems(method: string, path: string, body: unknown): string[] {
  const pointer = ["paths", path, method.toLowerCase(), "responses", "200", "content", "application/json", "schema"]
    .map((token) => encodeURIComponent(token.replaceAll("~", "~0").replaceAll("/", "~1")))
    .join("/");
  return problems(`#/${pointer}`, body);
}

/** What Ajv finds wrong with an error body, against the document's error schema. */
export function errorProblems(body: unknown): string[] {
  return problems("#/components/schemas/google.rpc.Status", body);
}

function problems(pointer: string, body: unknown): string[] {
  const validate = ajv.getSchema(`openapi${pointer}`);
  if (!validate) throw new Error(`the document has no schema at ${pointer}`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}
