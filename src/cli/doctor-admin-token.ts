/** `lps doctor` on the admin token file a first start wrote: readable by its owner only. */
import { existsSync, statSync } from "node:fs";
import { fault, octalMode, ok, openToOthers, type Finding } from "./doctor-finding.js";

const AREA = "admin token";

export function checkAdminToken(path: string): Finding[] {
  if (!existsSync(path)) return [ok(AREA, `no file at ${path} (a first start writes one; none is needed after that)`)];
  const mode = statSync(path).mode;
  if (openToOthers(mode)) {
    return [fault(AREA, `${path} has mode ${octalMode(mode)}: other users can read the admin's token and act as IAM_OWNER`, `chmod 600 ${path}; better, revoke that token (lps tokens revoke) and keep the new one elsewhere`)];
  }
  return [ok(AREA, `${path} is readable by its owner only (${octalMode(mode)})`)];
}
