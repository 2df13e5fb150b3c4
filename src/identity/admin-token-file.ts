/**
 * The first start's admin token goes to a file only its owner can read, written whole or
 * not at all, and never into a file someone else made. The token is written to a new
 * temporary file, created exclusively (O_EXCL) with mode 0600 from its first moment, then
 * linked to its path, which fails if the path exists: a file pre-created there (say, by
 * another user of a shared directory, with a mode that lets them read it) is left alone and
 * the token is not written (AdminTokenFileExists), so no one but the owner ever sees it.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The token file's path is taken: by an earlier start's token, or by someone else's file. */
export class AdminTokenFileExists extends Error {
  override readonly name = "AdminTokenFileExists";
  constructor(readonly path: string) {
    super(`${path} exists; the admin token was not written there`);
  }
}

export function writeAdminToken(path: string, token: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Unpredictable, so nobody can take the name first; "wx" refuses one that exists anyway.
  const temporary = `${path}.${randomBytes(8).toString("hex")}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new AdminTokenFileExists(path);
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}
