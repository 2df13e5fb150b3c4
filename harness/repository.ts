/**
 * Files of the repository, found from where this module runs: harness/ when the tests run
 * the TypeScript, dist/harness/ when the benchmark runs the build.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function repositoryRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in any directory above ${import.meta.url}`);
  }
}

const ROOT = repositoryRoot();

/** A path inside the repository, e.g. repositoryPath("proto"). */
export function repositoryPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}
