/** `npm run openapi`: (re)writes openapi.json from the proto files, run from the project's root. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { currentOpenApi, OPENAPI_FILE } from "./openapi-file.js";

const root = process.cwd();
writeFileSync(join(root, OPENAPI_FILE), currentOpenApi(root));
process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
