/**
 * The key under which limits per client address count a client: its IPv4 address, or the /64
 * network of its IPv6 address. An IPv6 host is routinely given a whole /64 and can send from
 * any address in it, so counting by the full address would give one host 2^64 budgets: its
 * connection places, calls per second, failed authentications and stream resets. An
 * IPv4-mapped IPv6 address (::ffff:192.0.2.1, what a dual-stack socket sees of an IPv4
 * client) counts as the IPv4 address it is.
 */
import { isIPv6 } from "node:net";

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

export function clientNetwork(address: string): string {
  if (!isIPv6(address)) return address;
  const bare = address.replace(/%.*$/, "");
  const mapped = MAPPED_IPV4.exec(bare);
  if (mapped) return mapped[1]!;
  return `${firstGroups(bare, 4).join(":")}::/64`;
}

/**
 * The first `count` of the address's eight 16-bit groups, in lower case without leading
 * zeros. A dotted IPv4 address at the end (::ffff:a.b.c.d, 64:ff9b::a.b.c.d) stands for the
 * last two groups: it counts as two when "::" is expanded, and is never among the first four.
 */
function firstGroups(address: string, count: number): string[] {
  const [head, tail] = address.split("::") as [string, string | undefined];
  const written = (part: string | undefined) => (part ? part.split(":") : []);
  const headGroups = written(head);
  const tailGroups = written(tail);
  const tailWidth = tailGroups.reduce((sum, group) => sum + (group.includes(".") ? 2 : 1), 0);
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailWidth;
  const groups = [...headGroups, ...Array<string>(zeros).fill("0"), ...tailGroups];
  return groups.slice(0, count).map((group) => Number.parseInt(group, 16).toString(16));
}
