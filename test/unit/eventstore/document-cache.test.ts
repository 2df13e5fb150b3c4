import { describe, expect, it } from "@jest/globals";
import { DocumentCache } from "../../../src/eventstore/document-cache.js";

describe("the document cache", () => {
  it("keeps at most its capacity, dropping the least recently used first", () => {
    const cache = new DocumentCache(2);
    cache.set("a", { n: 1 });
    cache.set("b", { n: 2 });
    expect(cache.get("a")).toEqual({ state: { n: 1 } }); // a is now the most recent
    cache.set("c", { n: 3 });
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("c")).toBeDefined();
  });

  it("remembers a document that does not exist, apart from one never asked for", () => {
    const cache = new DocumentCache(10);
    cache.set("gone", undefined);
    expect(cache.get("gone")).toEqual({ state: undefined });
    expect(cache.get("never")).toBeUndefined();
  });

  it("hands out states no reader can change under another", () => {
    const cache = new DocumentCache(10);
    cache.set("a", { roles: ["X"] });
    const { state } = cache.get("a")! as { state: { roles: string[] } };
    expect(() => state.roles.push("Y")).toThrow(TypeError);
  });

  it("refreshes a document it holds, in its place, and takes in none it does not", () => {
    const cache = new DocumentCache(2);
    cache.set("a", { n: 1 });
    cache.set("b", { n: 2 });
    cache.refresh("a", { n: 10 });
    cache.refresh("c", { n: 3 });
    expect(cache.size).toBe(2);
    cache.set("d", { n: 4 }); // a is still the least recently used
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toEqual({ state: { n: 2 } });
    cache.set("a", { n: 1 });
    cache.refresh("a", undefined);
    expect(cache.get("a")).toEqual({ state: undefined });
  });

  it("holds nothing with capacity 0", () => {
    const cache = new DocumentCache(0);
    cache.set("a", 1);
    expect(cache.size).toBe(0);
  });
});
