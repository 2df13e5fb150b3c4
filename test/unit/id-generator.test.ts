import { describe, expect, it } from "@jest/globals";
import { IdGenerator } from "../../src/id-generator.js";

describe("IdGenerator", () => {
  it("gives decimal strings that fit in a signed 64-bit integer", () => {
    const id = new IdGenerator().next();
    expect(id).toMatch(/^[1-9]\d{15,18}$/);
    expect(BigInt(id)).toBeLessThan(2n ** 63n);
  });

  it("never repeats and always rises, even within one millisecond", () => {
    const ids = new IdGenerator(7);
    const many = Array.from({ length: 20_000 }, () => BigInt(ids.next()));
    expect(new Set(many).size).toBe(many.length);
    for (let i = 1; i < many.length; i++) expect(many[i]! > many[i - 1]!).toBe(true);
  });

  it("orders IDs of different generators by time", async () => {
    const first = new IdGenerator(1).next();
    await new Promise((r) => setTimeout(r, 3));
    const second = new IdGenerator(2).next();
    expect(BigInt(second) > BigInt(first)).toBe(true);
  });
});
