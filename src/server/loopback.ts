import { BlockList, isIP } from "node:net";

/** 127.0.0.0/8 and ::1; BlockList also matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 rule. */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/**
 * Whether an address is this machine's loopback, where compressing responses only costs
 * CPU. Only an IP address is: a name such as 127.evil.example is not, whatever it starts with.
 */
export function isLoopback(address: string | undefined): boolean {
  const family = isIP(address ?? "");
  return family !== 0 && LOOPBACK.check(address!, family === 4 ? "ipv4" : "ipv6");
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
