/** Responses to peers on this machine go out plain: compressing them only costs CPU. */

/** The request headers by which clients offer to accept compressed responses. */
const ACCEPT_ENCODING_HEADERS = ["accept-encoding", "grpc-accept-encoding", "connect-accept-encoding"];

/**
 * Withdraws the client's offer of response compression, so that responses go out plain.
 * Compressed requests are still accepted: their encoding header is left alone.
 */
export function declineResponseCompression(header: Headers): void {
  for (const name of ACCEPT_ENCODING_HEADERS) header.delete(name);
}
