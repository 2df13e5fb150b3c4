/**
 * The deadline a client asks for: gRPC's and gRPC-Web's `grpc-timeout` (1 to 8 digits and a
 * unit: H, M, S, m, u, n) and Connect's `connect-timeout-ms` (1 to 10 digits). Both allow
 * far more than a timer can hold (`600H`, 99999999H), and a timer given more than 2^31-1 ms
 * fires at once. The server caps every deadline: a longer one is shortened to the cap, as
 * gRPC servers do, and a malformed one is left for the protocol to refuse.
 */

export const GRPC_TIMEOUT = "grpc-timeout";
export const CONNECT_TIMEOUT = "connect-timeout-ms";

const GRPC_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 };

/** A grpc-timeout value in milliseconds; undefined when malformed. */
export function parseGrpcTimeout(value: string): number | undefined {
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  return match ? Number(match[1]) * GRPC_UNIT_MS[match[2]!]! : undefined;
}

/** A connect-timeout-ms value in milliseconds; undefined when malformed. */
export function parseConnectTimeout(value: string): number | undefined {
  return /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

/**
 * Shortens the deadline the headers ask for to `maxMs`, in place. `maxMs` must fit both
 * headers' digits (at most 99,999,999 ms) and a timer.
 */
export function capDeadline(header: Headers, maxMs: number): void {
  const grpc = header.get(GRPC_TIMEOUT);
  if (grpc !== null && (parseGrpcTimeout(grpc) ?? 0) > maxMs) header.set(GRPC_TIMEOUT, `${maxMs}m`);
  const connect = header.get(CONNECT_TIMEOUT);
  if (connect !== null && (parseConnectTimeout(connect) ?? 0) > maxMs) header.set(CONNECT_TIMEOUT, String(maxMs));
}
