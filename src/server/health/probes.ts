/**
 * Plain-HTTP probes for orchestrators and load balancers that do not speak gRPC:
 * `GET /healthz` (liveness: the process answers HTTP) and `GET /ready` (readiness: 200
 * while serving, 503 otherwise, with the reason). Both answer HEAD too, need no token,
 * and are never cached.
 */
import type { HttpDoor, NodeRequest, NodeResponse } from "../http-door.js";
import type { Readiness } from "./readiness.js";

export const LIVENESS_PATH = "/healthz";
export const READINESS_PATH = "/ready";

export function healthProbes(readiness: Readiness): HttpDoor {
  return {
    handle(req, res) {
      const path = (req.url ?? "").split("?", 1)[0];
      if (path === LIVENESS_PATH) {
        answer(req, res, 200, { status: "alive" });
      } else if (path === READINESS_PATH) {
        const state = readiness.current;
        if (state.serving) answer(req, res, 200, { status: "SERVING" });
        else answer(req, res, 503, { status: "NOT_SERVING", reason: state.reason });
      } else {
        return false;
      }
      return true;
    },
  };
}

function answer(req: NodeRequest, res: NodeResponse, status: number, body: object): void {
  if (req.method === "GET" || req.method === "HEAD") return send(req, res, status, body);
  send(req, res, 405, { error: `method ${req.method} is not allowed; use GET or HEAD` }, { allow: "GET, HEAD" });
}

function send(req: NodeRequest, res: NodeResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(json)),
    "cache-control": "no-store",
  });
  if (req.method === "HEAD") res.end();
  else res.end(json);
}
