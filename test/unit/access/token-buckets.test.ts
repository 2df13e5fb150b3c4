import { describe, expect, it } from "@jest/globals";
import { TokenBuckets } from "../../../src/access/token-buckets.js";

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("token buckets", () => {
  it("give a burst, then refill at their rate, and say how long to wait", () => {
    const time = clock();
    const buckets = new TokenBuckets(2, 4, 100, time.now);
    for (let i = 0; i < 4; i++) expect(buckets.take("a")).toBe(0);
    expect(buckets.take("a")).toBeCloseTo(0.5);
    time.advance(500);
    expect(buckets.take("a")).toBe(0);
    time.advance(10_000);
    // Never more than the burst.
    for (let i = 0; i < 4; i++) expect(buckets.take("a")).toBe(0);
    expect(buckets.take("a")).toBeGreaterThan(0);
  });

  it("keep keys apart, and peek without taking", () => {
    const buckets = new TokenBuckets(1, 1, 100, clock().now);
    expect(buckets.peek("a")).toBe(0);
    expect(buckets.take("a")).toBe(0);
    expect(buckets.peek("a")).toBeCloseTo(1);
    expect(buckets.take("b")).toBe(0);
  });

  it("forget the least recently used key past their size", () => {
    const buckets = new TokenBuckets(1, 1, 2, clock().now);
    buckets.take("a");
    buckets.take("b");
    buckets.take("a");
    buckets.take("c");
    // "a" was used after "b", so "b" was forgotten for "c": "a" is still empty, "b" starts afresh.
    expect(buckets.peek("a")).toBeGreaterThan(0);
    expect(buckets.take("b")).toBe(0);
  });
});
