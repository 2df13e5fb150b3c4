/** Whether a peer is this machine, where compressing responses only costs CPU. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/** The request headers by which clients offer to accept compressed responses. */
const ACCEPT_ENCODING_HEADERS = ["accept-encoding", "grpc-accept-encoding", "connect-accept-encoding"];

/**
 * Withdraws the client's offer of response compression, so that responses go out plain.
 * Compressed requests are still accepted: their encoding header is left alone.
 */
export function declineResponseCompression(header: Headers): void {
  for (const name of ACCEPT_ENCODING_HEADERS) header.delete(name);
}
