/** Values derived from recent inputs: derived once, the oldest dropped at the cap. */
import { describe, expect, it } from "@jest/globals";
import { RecentValues } from "../../../src/access/recent-values.js";

describe("recent values", () => {
  it("derive a value once per input, and again once the input was dropped to make room", () => {
    const derived: string[] = [];
    const recent = new RecentValues<string>(2);
    const of = (input: string) => recent.of(input, () => (derived.push(input), input.toUpperCase()));
    expect([of("a"), of("a"), of("b"), of("a")]).toEqual(["A", "A", "B", "A"]);
    expect(derived).toEqual(["a", "b"]);
    of("c"); // the cap is 2: "a", the oldest, goes
    expect(of("b")).toBe("B");
    expect(of("a")).toBe("A");
    expect(derived).toEqual(["a", "b", "c", "a"]);
  });
});
