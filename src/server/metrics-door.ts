/**
 * GET /metrics: the Prometheus metrics, on the service's own port. LPS_METRICS decides who
 * may read them: "open" serves them to anyone who can reach the port (put it behind a
 * network policy), "token" only to a bearer token whose instance role grants
 * iam.metrics.read (IAM_OWNER and IAM_OWNER_VIEWER by default); with "off" this door is
 * not opened and /metrics is an unknown path.
 */
import { METRICS_READ } from "../access/operator-permissions.js";
import type { Caller } from "../access/caller.js";
import type { Logger } from "../logger.js";
import type { ServiceMetrics } from "../metrics/service-metrics.js";
import { restError } from "./gateway/rest-error.js";
import { sendRestResponse } from "./gateway/rest-response.js";
import { methodNotAllowed } from "./gateway/route-errors.js";
import type { HttpDoor, NodeRequest, NodeResponse } from "./http-door.js";
import type { StatusMapper } from "../interceptors/status-mapping.js";
import { callContextOf } from "../call-context/call-context.js";

export const METRICS_PATH = "/metrics";

export interface MetricsDoorOptions {
  readonly metrics: ServiceMetrics;
  /** Without it, anyone may read; with it, only callers it admits (it throws otherwise). */
  readonly admit?: (authorization: string | null) => Promise<void>;
  readonly toStatus: StatusMapper;
  readonly logger: Logger;
}

/** Admits callers whose instance role grants iam.metrics.read. */
export function metricsReaders(
  authenticate: (authorization: string | null) => Promise<Caller>,
  authorize: (request: { caller: Caller; permission: string }) => Promise<unknown>,
): (authorization: string | null) => Promise<void> {
  return async (authorization) => {
    await authorize({ caller: await authenticate(authorization), permission: METRICS_READ });
  };
}

export function metricsDoor(options: MetricsDoorOptions): HttpDoor {
  const { metrics, admit, toStatus, logger } = options;

  async function serve(req: NodeRequest, res: NodeResponse): Promise<void> {
    try {
      await admit?.(req.headers.authorization ?? null);
    } catch (error) {
      return sendRestResponse(req, res, restError(toStatus(error, callContextOf(req)), { authorization: req.headers.authorization }));
    }
    const body = await metrics.render();
    sendRestResponse(req, res, { status: 200, headers: { "content-type": metrics.contentType, "cache-control": "no-store" }, body });
  }

  return {
    handle(req, res) {
      if ((req.url ?? "").split("?", 1)[0] !== METRICS_PATH) return false;
      if (req.method === "GET" || req.method === "HEAD") {
        serve(req, res).catch((error: unknown) => logger.debug({ err: error }, "metrics not delivered"));
      } else {
        const refused = toStatus(methodNotAllowed(req.method ?? "", ["GET"]), callContextOf(req));
        sendRestResponse(req, res, restError(refused, { httpStatus: 405, headers: { allow: "GET, HEAD" } }));
      }
      return true;
    },
  };
}
