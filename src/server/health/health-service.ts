/**
 * gRPC's health protocol, grpc.health.v1.Health, over the server's readiness. It knows the
 * server as a whole ("") and every served service by its full name; they all share one
 * status, since every service needs the same database and goes away with the same process.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import { HealthCheckResponse_ServingStatus as Status, type Health } from "../../../gen/grpc/health/v1/health_pb.js";
import { notFound } from "../../errors.js";
import type { Readiness, ServingState } from "./readiness.js";

export function healthService(readiness: Readiness, serviceNames: readonly string[]): ServiceImpl<typeof Health> {
  const known = new Set(["", ...serviceNames]);

  return {
    check({ service }) {
      if (!known.has(service)) {
        throw notFound("HEALTH-5vcUn", "Errors.Health.ServiceUnknown", "unknown service");
      }
      return { status: statusOf(readiness.current) };
    },

    list() {
      const status = statusOf(readiness.current);
      return { statuses: Object.fromEntries([...known].map((name) => [name, { status }])) };
    },

    // The protocol answers an unknown service with SERVICE_UNKNOWN and keeps the call open,
    // in case the service appears later; here the set of services is fixed.
    async *watch({ service }, context) {
      let last: Status | undefined;
      for await (const state of readiness.watch(context.signal)) {
        const status = known.has(service) ? statusOf(state) : Status.SERVICE_UNKNOWN;
        if (status !== last) yield { status };
        last = status;
      }
    },
  };
}

function statusOf(state: ServingState): Status {
  return state.serving ? Status.SERVING : Status.NOT_SERVING;
}
