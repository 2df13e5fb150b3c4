/**
 * The headers that authenticate as the admin a server process creates on its first start:
 * it writes the admin's token to LPS_ADMIN_PAT_PATH. While the service has no
 * authentication there is no such file, and calls go without an authorization header.
 */
import { existsSync, readFileSync } from "node:fs";
import { bearer } from "./connect-clients.js";

export function adminHeaders(patPath: string): Record<string, string> {
  return bearer(existsSync(patPath) ? readFileSync(patPath, "utf8").trim() : "");
}
