/**
 * GET /console/: the web console, from the same port as the API it calls. The page may load
 * scripts, styles and images from this origin only, and talk to nothing but this service
 * (its Content-Security-Policy), so neither an injected script nor a compromised dependency
 * can send a token anywhere else. The index is revalidated on every load; the hashed
 * assets it names are cached for good, since a new build names new files.
 */
import type { HttpDoor, NodeRequest, NodeResponse } from "../http-door.js";
import { builtConsoleDir, loadConsoleAssets, type ConsoleAsset } from "./console-assets.js";
import { sendStaticFile } from "../wire/static-file.js";

export const CONSOLE_PATH = "/console/";

const INDEX = "index.html";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Every answer of this door, files and refusals alike. */
const SECURITY_HEADERS = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

/** @param root  the built console; dist/console of this package by default */
export function consoleDoor(root = builtConsoleDir()): HttpDoor {
  const assets = loadConsoleAssets(root);
  return {
    handle(req, res) {
      const path = (req.url ?? "").split("?", 1)[0]!;
      if (path === CONSOLE_PATH.slice(0, -1)) {
        // Relative URLs in the page resolve against /console/, not against the root.
        const query = (req.url ?? "").slice(path.length);
        answerText(req, res, 308, "the console is at /console/", { location: CONSOLE_PATH + query });
      } else if (!path.startsWith(CONSOLE_PATH)) {
        return false;
      } else if (req.method !== "GET" && req.method !== "HEAD") {
        answerText(req, res, 405, `method ${req.method} is not allowed; use GET or HEAD`, { allow: "GET, HEAD" });
      } else if (assets.size === 0) {
        answerText(req, res, 404, "the console was not built: `npm run build` builds it");
      } else {
        const asset = assets.get(assetName(path));
        if (asset) sendAsset(req, res, asset);
        else answerText(req, res, 404, "no such file in the console");
      }
      return true;
    },
  };
}

/** The asset a path names: "" is the index; a malformed escape names nothing. */
function assetName(path: string): string {
  const name = path.slice(CONSOLE_PATH.length) || INDEX;
  try {
    return decodeURIComponent(name);
  } catch {
    return "";
  }
}

function sendAsset(req: NodeRequest, res: NodeResponse, asset: ConsoleAsset): void {
  sendStaticFile(req, res, asset, { ...SECURITY_HEADERS, "cache-control": asset.immutable ? IMMUTABLE : REVALIDATE });
}

function answerText(req: NodeRequest, res: NodeResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
  });
  if (req.method === "HEAD") res.end();
  else res.end(text);
}
