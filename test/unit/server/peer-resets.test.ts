import { describe, expect, it } from "@jest/globals";
import { PeerResets } from "../../../src/server/connections/peer-resets.js";

describe("peer resets", () => {
  it("cut an address off once it goes over its budget, for the rest of its minute", () => {
    let now = 0;
    const resets = new PeerResets(3, () => now);
    expect([1, 2, 3].map(() => resets.reset("10.0.0.1"))).toEqual([false, false, false]);
    expect(resets.isCutOff("10.0.0.1")).toBe(false);
    // The one over the budget says so, once.
    expect(resets.reset("10.0.0.1")).toBe(true);
    expect(resets.reset("10.0.0.1")).toBe(false);
    expect(resets.isCutOff("10.0.0.1")).toBe(true);
    expect(resets.isCutOff("10.0.0.2")).toBe(false);
    now += 60_000;
    expect(resets.isCutOff("10.0.0.1")).toBe(false);
  });
});
