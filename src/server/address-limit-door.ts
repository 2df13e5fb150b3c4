/**
 * Requests that are no call (the probes, /metrics, /openapi.json, the console's files,
 * unknown paths) count against their client address's rate limit as calls do, so that a
 * flood of them passes no more than a flood of calls. Calls are counted by their interceptors,
 * which answer a refusal as the call's protocol expects; this door stands after the doors
 * that serve calls, and answers a refusal as the REST gateway does: 429 with Retry-After.
 * Probes and /metrics from this machine, which orchestrators and agents ask on a schedule, are
 * never limited, as health checks over gRPC are not.
 */
import type { RateLimits } from "../access/rate-limits.js";
import { callContextOf } from "../call-context/call-context.js";
import type { StatusMapper } from "../interceptors/status-mapping.js";
import { isLoopback } from "../net/loopback-address.js";
import { restError } from "./gateway/rest-error.js";
import { sendRestResponse } from "./gateway/rest-response.js";
import { LIVENESS_PATH, READINESS_PATH } from "./health/probes.js";
import type { HttpDoor } from "./http-door.js";
import { METRICS_PATH } from "./metrics-door.js";

const SCHEDULED_PATHS = new Set([LIVENESS_PATH, READINESS_PATH, METRICS_PATH]);

/** Passes on a request within its address's rate limit; answers one over it. */
export function addressLimitDoor(limits: RateLimits, toStatus: StatusMapper): HttpDoor {
  return {
    handle(req, res) {
      const address = req.socket?.remoteAddress;
      if (address === undefined) return false;
      if (isLoopback(address) && SCHEDULED_PATHS.has((req.url ?? "").split("?", 1)[0]!)) return false;
      try {
        limits.admitAddress(address);
        return false;
      } catch (error) {
        sendRestResponse(req, res, restError(toStatus(error, callContextOf(req))));
        return true;
      }
    },
  };
}
