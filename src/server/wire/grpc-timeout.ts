/** gRPC's deadline header: at most eight digits and a unit (H, M, S, m, u, n). */
import { malformedRequest } from "../request-errors.js";

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/** Milliseconds from now; undefined when the client set no deadline. */
export function grpcTimeoutMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (!match) throw malformedRequest(`grpc-timeout "${value.slice(0, 20)}" is not a number of at most 8 digits and a unit`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
