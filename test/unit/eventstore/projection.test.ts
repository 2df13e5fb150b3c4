import { describe, expect, it } from "@jest/globals";
import type { StoredEvent } from "../../../src/eventstore/event.js";
import { documentId, documentsTouched, reduceDocuments, type Projection } from "../../../src/eventstore/projection.js";

const counter: Projection<number> = {
  name: "counts",
  handles: new Set(["thing.counted", "thing.reset"]),
  key: (event) => event.aggregate.id,
  reduce: (count, event) => (event.type === "thing.reset" ? undefined : (count ?? 0) + 1),
};

function event(type: string, id: string, sequence: number): StoredEvent {
  return {
    type,
    payload: {},
    aggregate: { type: "thing", id },
    resourceOwner: id,
    sequence,
    position: sequence,
    creator: "test",
    createdAt: new Date(0),
  };
}

describe("projections", () => {
  it("touch each document once, and only for the events they handle", () => {
    const events = [event("thing.counted", "a", 1), event("thing.counted", "a", 2), event("thing.other", "b", 1)];
    expect(documentsTouched([counter], events)).toEqual([{ projection: "counts", key: "a" }]);
  });

  it("reduce the events in order over the loaded state", () => {
    const loaded = new Map([[documentId({ projection: "counts", key: "a" }), 10]]);
    const events = [event("thing.counted", "a", 11), event("thing.counted", "b", 1), event("thing.counted", "a", 12)];
    expect(reduceDocuments([counter], events, loaded)).toEqual([
      { projection: "counts", key: "a", state: 12 },
      { projection: "counts", key: "b", state: 1 },
    ]);
  });

  it("report a document reduced to nothing as deleted", () => {
    const loaded = new Map([[documentId({ projection: "counts", key: "a" }), 3]]);
    expect(reduceDocuments([counter], [event("thing.reset", "a", 4)], loaded)).toEqual([
      { projection: "counts", key: "a", state: undefined },
    ]);
  });
});
