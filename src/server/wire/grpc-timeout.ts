/** gRPC's deadline header, read for a call: a malformed one refuses the call. */
import { parseGrpcTimeout } from "../request-deadline.js";
import { malformedRequest } from "../../interceptors/request-errors.js";

/** Milliseconds from now; undefined when the client set no deadline. */
export function grpcTimeoutMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseGrpcTimeout(value);
  if (ms === undefined) throw malformedRequest(`grpc-timeout "${value.slice(0, 20)}" is not a number of at most 8 digits and a unit`);
  return ms;
}
