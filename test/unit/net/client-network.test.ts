import { describe, expect, it } from "@jest/globals";
import { RateLimits } from "../../../src/access/rate-limits.js";
import { clientNetwork } from "../../../src/net/client-network.js";

describe("a client's network, as limits per address count it", () => {
  it("is an IPv4 address itself, written as a dual-stack socket sees it or not", () => {
    expect(clientNetwork("192.0.2.1")).toBe("192.0.2.1");
    expect(clientNetwork("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(clientNetwork("::FFFF:192.0.2.1")).toBe("192.0.2.1");
  });

  it("is the /64 of an IPv6 address, however it is written", () => {
    const network = "2001:db8:ab:1::/64";
    for (const address of [
      "2001:db8:ab:1::1",
      "2001:0db8:00ab:0001:aaaa:bbbb:cccc:dddd",
      "2001:DB8:AB:1:ffff::",
      "2001:db8:ab:1:0:0:0:7",
      "2001:db8:ab:1::192.0.2.1",
      "2001:db8:ab:1::5%eth0",
    ]) {
      expect(clientNetwork(address)).toBe(network);
    }
    expect(clientNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientNetwork("2001:db8:0:1::1")).toBe("2001:db8:0:1::/64");
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
    expect(clientNetwork("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
  });

  it("is what anything else is, untouched", () => {
    expect(clientNetwork("")).toBe("");
    expect(clientNetwork("not an address")).toBe("not an address");
  });

  it("is what the rate limits count: a host cannot spread its calls over its /64", () => {
    const limits = new RateLimits({ perAddress: 5, perCaller: 0, authFailuresPerMinute: 3 });
    // The burst is twice the rate: 10 calls, from ten addresses of one /64.
    for (let i = 1; i <= 10; i++) limits.admitAddress(`2001:db8:ab:1::${i}`);
    expect(() => limits.admitAddress("2001:db8:ab:1::99")).toThrow(/too many calls/);
    // Another /64 has a budget of its own.
    expect(() => limits.admitAddress("2001:db8:ab:2::1")).not.toThrow();
    for (let i = 1; i <= 3; i++) limits.authenticationFailed(`2001:db8:ab:2::${i}`);
    expect(() => limits.admitAddress("2001:db8:ab:2::4")).toThrow(/failed authentications/);
  });
});
