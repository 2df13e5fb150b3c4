/**
 * A small tmpfs to fill, for what a full disk does, where this machine lets us mount one
 * (root, or CAP_SYS_ADMIN); undefined elsewhere, and the test that needs it says it is skipped.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../harness/temp-dir.js";

export function smallDisk(megabytes: number): string | undefined {
  const dir = join(tempDir(), "small-disk");
  mkdirSync(dir);
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${megabytes}m`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return undefined;
  }
}

/** Lets go of the tmpfs smallDisk mounted. */
export function unmount(dir: string): void {
  execFileSync("umount", ["-l", dir]);
}
