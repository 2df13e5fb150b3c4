/**
 * The built web console (`npm run build` writes it to dist/console/), read into memory once
 * when the service starts. Serving only what was read here means no request path ever
 * reaches the file system, so no path can lead outside the console's own files.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { staticFile, type StaticFile } from "../wire/static-file.js";

export interface ConsoleAsset extends StaticFile {
  /** Named by the hash of its content (Vite's assets/ folder), so it never changes. */
  readonly immutable: boolean;
}

/** The types a Vite build emits; anything else is served as bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/** Where Vite writes the files whose names carry their content's hash. */
const HASHED_FOLDER = "assets/";

/**
 * dist/console of this package: found from where this module runs, src/server/console/ when
 * the tests run the TypeScript, dist/src/server/console/ when the build runs.
 */
export function builtConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, "dist", "console");
}

/** The console's files by their path under the console's root ("index.html", "assets/index-Bx1.js"); empty when it was not built. */
export function loadConsoleAssets(root: string): ReadonlyMap<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  if (!existsSync(root)) return assets;
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const name = relative(root, file).split(sep).join("/");
    const contentType = CONTENT_TYPES[extname(name)] ?? "application/octet-stream";
    assets.set(name, { ...staticFile(readFileSync(file), contentType), immutable: name.startsWith(HASHED_FOLDER) });
  }
  return assets;
}
