/**
 * GET (or HEAD) /openapi.json: the OpenAPI document of the REST API, the checked-in openapi.json
 * (`npm run openapi` writes it from the proto files). Like the API's own description it
 * needs no token. Tools fetch it again and again: it carries an ETag, so that they can ask
 * whether it changed (304, no body), and goes gzipped to those that accept it (a tenth of
 * its size).
 */
import document from "../../openapi.json" with { type: "json" };
import { restError } from "./gateway/rest-error.js";
import { sendRestResponse } from "./gateway/rest-response.js";
import { sendStaticFile, staticFile } from "./wire/static-file.js";
import { methodNotAllowed } from "./gateway/route-errors.js";
import type { HttpDoor } from "./http-door.js";
import type { StatusMapper } from "../interceptors/status-mapping.js";
import { callContextOf } from "../call-context/call-context.js";

const OPENAPI_PATH = "/openapi.json";

export function openApiDoor(toStatus: StatusMapper): HttpDoor {
  const file = staticFile(Buffer.from(JSON.stringify(document)), "application/json");
  return {
    handle(req, res) {
      if ((req.url ?? "").split("?", 1)[0] !== OPENAPI_PATH) return false;
      if (req.method === "GET" || req.method === "HEAD") {
        sendStaticFile(req, res, file, { "cache-control": "no-cache" });
      } else {
        const refused = toStatus(methodNotAllowed(req.method ?? "", ["GET", "HEAD"]), callContextOf(req));
        sendRestResponse(req, res, restError(refused, { httpStatus: 405, headers: { allow: "GET, HEAD" } }));
      }
      return true;
    },
  };
}
