/**
 * The first start's admin token goes to a file only its owner can read (mode 0600), written
 * whole or not at all (a temporary file renamed into place).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function writeAdminToken(path: string, token: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
