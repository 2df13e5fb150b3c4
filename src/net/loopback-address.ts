/**
 * Whether an address is this machine's: a fact about a network address that the server (no
 * compression for loopback peers, health checks never rate limited) and the configuration (an
 * http JWKS URL only on loopback) both need.
 */
import { BlockList, isIP } from "node:net";

/** 127.0.0.0/8 and ::1; BlockList also matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 rule. */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Only an IP address is: a name such as 127.evil.example is not, whatever it starts with. */
export function isLoopback(address: string | undefined): boolean {
  const family = isIP(address ?? "");
  return family !== 0 && LOOPBACK.check(address!, family === 4 ? "ipv4" : "ipv6");
}
