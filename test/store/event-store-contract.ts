/**
 * What every storage engine must do, as one suite: each engine's test file calls
 * `describeEventStoreContract` with a way to open a fresh store (and reopen the same one).
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { NewEvent } from "../../src/eventstore/event.js";
import type { Projection } from "../../src/eventstore/projection.js";
import {
  SequenceConflict,
  UniqueConstraintTaken,
  type Append,
  type EventStore,
} from "../../src/eventstore/store.js";

/** Counts "note.added" events per aggregate; "note.cleared" deletes the count. */
export const noteCounter: Projection<{ count: number; last: number }> = {
  name: "note_counts",
  handles: new Set(["note.added", "note.cleared"]),
  key: (event) => event.aggregate.id,
  reduce: (doc, event) =>
    event.type === "note.cleared" ? undefined : { count: (doc?.count ?? 0) + 1, last: event.sequence },
};

/** Counts the notes of every notebook in one document, which pushes to any aggregate change. */
export const noteTotal: Projection<{ count: number }> = {
  name: "note_total",
  handles: new Set(["note.added"]),
  key: () => "all",
  reduce: (doc) => ({ count: (doc?.count ?? 0) + 1 }),
};

/** The projections a harness opens its stores with. */
export const contractProjections: readonly Projection[] = [noteCounter as Projection, noteTotal as Projection];

export interface StoreHarness {
  /** A new, empty database. */
  fresh(): Promise<EventStore>;
  /** The last database `fresh` created, opened again. */
  reopen(): Promise<EventStore>;
}

const note = (text: string): NewEvent => ({ type: "note.added", payload: { text } });

function append(id: string, expectedSequence: number, ...events: NewEvent[]): Append {
  return { aggregate: { type: "notebook", id }, resourceOwner: `owner-${id}`, expectedSequence, events };
}

export function describeEventStoreContract(engine: string, harness: () => StoreHarness): void {
  describe(`${engine} event store`, () => {
    let store: EventStore;
    let opened: EventStore[];
    let h: StoreHarness;

    beforeEach(async () => {
      h = harness();
      store = await h.fresh();
      opened = [store];
    });

    afterEach(async () => {
      for (const s of opened) await s.close();
    });

    it("numbers each aggregate's events 1, 2, 3 and returns them as stored", async () => {
      const first = await store.push({ creator: "u1", appends: [append("a", 0, note("x"), note("y"))] });
      const second = await store.push({ creator: "u2", appends: [append("a", 2, note("z")), append("b", 0, note("w"))] });
      expect(first.map((e) => e.sequence)).toEqual([1, 2]);
      expect(second.map((e) => [e.aggregate.id, e.sequence])).toEqual([
        ["a", 3],
        ["b", 1],
      ]);
      expect(first[0]).toMatchObject({ type: "note.added", payload: { text: "x" }, creator: "u1", resourceOwner: "owner-a" });
      expect(first[0]!.createdAt.getTime()).toBe(first[1]!.createdAt.getTime());
      expect(second[0]!.position).toBeGreaterThan(first[1]!.position);

      const events = await store.events({ type: "notebook", id: "a" });
      expect(events.map((e) => [e.sequence, (e.payload as { text: string }).text, e.creator])).toEqual([
        [1, "x", "u1"],
        [2, "y", "u1"],
        [3, "z", "u2"],
      ]);
      expect(events[0]!.createdAt).toEqual(first[0]!.createdAt);
      expect((await store.events({ type: "notebook", id: "a" }, 2)).map((e) => e.sequence)).toEqual([3]);
    });

    it("refuses a push whose aggregate moved on, and writes none of it", async () => {
      await store.push({ creator: "u", appends: [append("a", 0, note("x"))] });
      await expect(
        store.push({ creator: "u", appends: [append("b", 0, note("b")), append("a", 0, note("stale"))] }),
      ).rejects.toBeInstanceOf(SequenceConflict);
      expect(await store.events({ type: "notebook", id: "b" })).toEqual([]);
      expect((await store.events({ type: "notebook", id: "a" })).length).toBe(1);
      expect(await store.document(noteCounter.name, "b")).toBeUndefined();
    });

    it("lets exactly one of many concurrent writers at the same sequence win", async () => {
      await store.push({ creator: "u", appends: [append("a", 0, note("first"))] });
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => store.push({ creator: "u", appends: [append("a", 1, note(`racer ${i}`))] })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results.filter((r) => r.status === "rejected")) {
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(SequenceConflict);
      }
      expect((await store.events({ type: "notebook", id: "a" })).map((e) => e.sequence)).toEqual([1, 2]);
      expect(await store.document(noteCounter.name, "a")).toEqual({ count: 2, last: 2 });
    });

    it("keeps each sequence gapless when writers retry after conflicts", async () => {
      const writer = async (n: number) => {
        for (let done = 0; done < 5; ) {
          const current = (await store.events({ type: "notebook", id: "hot" })).length;
          try {
            await store.push({ creator: `w${n}`, appends: [append("hot", current, note(`${n}.${done}`))] });
            done++;
          } catch (error) {
            if (!(error instanceof SequenceConflict)) throw error;
          }
        }
      };
      await Promise.all([0, 1, 2, 3].map(writer));
      const sequences = (await store.events({ type: "notebook", id: "hot" })).map((e) => e.sequence);
      expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it("lets writers that decide under the aggregate's lock take turns, across connections, none refused", async () => {
      const stores = [store, await h.reopen(), await h.reopen()];
      opened.push(...stores.slice(1));
      const seen: number[] = [];
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          stores[i % stores.length]!.decide<{ count: number }>({ type: "notebook", id: "hot" }, noteCounter.name, "hot", (model) => {
            // Each decides on what the one before it left: the count matches the sequence.
            expect(model.state?.count ?? 0).toBe(model.sequence);
            seen.push(model.sequence);
            return { creator: `w${i}`, appends: [append("hot", model.sequence, note(`${i}`))] };
          }),
        ),
      );
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
      expect((await store.events({ type: "notebook", id: "hot" })).map((e) => e.sequence)).toEqual(
        Array.from({ length: 24 }, (_, i) => i + 1),
      );
    });

    it("writes nothing when a decision refuses", async () => {
      await store.push({ creator: "u", appends: [append("a", 0, note("x"))] });
      const refusal = new Error("refused");
      await expect(
        store.decide({ type: "notebook", id: "a" }, noteCounter.name, "a", () => {
          throw refusal;
        }),
      ).rejects.toBe(refusal);
      expect((await store.events({ type: "notebook", id: "a" })).length).toBe(1);
    });

    it("loses no update of a document that pushes to different aggregates share, across connections", async () => {
      const stores = [store, await h.reopen(), await h.reopen()];
      opened.push(...stores.slice(1));
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          stores[i % stores.length]!.push({ creator: "u", appends: [append(`n${i}`, 0, note("x"), note("y"))] }),
        ),
      );
      expect(await store.document(noteTotal.name, "all")).toEqual({ count: 60 });
    });

    it("holds a unique value for one claimant until it is released", async () => {
      const claim = { kind: "name", value: "acme" };
      await store.push({ creator: "u", appends: [append("a", 0, note("a"))], claim: [claim] });
      await expect(
        store.push({ creator: "u", appends: [append("b", 0, note("b"))], claim: [claim] }),
      ).rejects.toEqual(new UniqueConstraintTaken(claim));
      expect(await store.events({ type: "notebook", id: "b" })).toEqual([]);

      await store.push({ creator: "u", appends: [append("a", 1, note("rename"))], release: [claim] });
      await store.push({ creator: "u", appends: [append("b", 0, note("b"))], claim: [claim] });
      expect((await store.events({ type: "notebook", id: "b" })).length).toBe(1);
    });

    it("keeps projections in step with the events, in the same transaction", async () => {
      await store.push({ creator: "u", appends: [append("a", 0, note("1"), note("2")), append("b", 0, note("1"))] });
      expect(await store.document(noteCounter.name, "a")).toEqual({ count: 2, last: 2 });
      expect(await store.documents(noteCounter.name)).toEqual([
        { key: "a", state: { count: 2, last: 2 } },
        { key: "b", state: { count: 1, last: 1 } },
      ]);
      await store.push({ creator: "u", appends: [append("a", 2, { type: "note.cleared", payload: {} })] });
      expect(await store.document(noteCounter.name, "a")).toBeUndefined();
    });

    it("reads a document with its aggregate's sequence, counting events the projection ignores", async () => {
      await store.push({
        creator: "u",
        appends: [append("a", 0, note("1"), { type: "notebook.renamed", payload: {} })],
      });
      expect(await store.snapshot({ type: "notebook", id: "a" }, noteCounter.name, "a")).toEqual({
        state: { count: 1, last: 1 },
        sequence: 2,
      });
      expect(await store.snapshot({ type: "notebook", id: "new" }, noteCounter.name, "new")).toEqual({
        state: undefined,
        sequence: 0,
      });
    });

    it("finds every acknowledged event and document after reopening", async () => {
      await store.push({ creator: "u", appends: [append("a", 0, note("kept"))] });
      await store.close();
      opened = [];
      const again = await h.reopen();
      opened.push(again);
      expect((await again.events({ type: "notebook", id: "a" })).map((e) => e.payload)).toEqual([{ text: "kept" }]);
      expect(await again.document(noteCounter.name, "a")).toEqual({ count: 1, last: 1 });
    });

    it("tells commit listeners of its own commits and of another connection's, and stops when they leave", async () => {
      const other = await h.reopen();
      opened.push(other);
      let heard = 0;
      const stop = store.onCommit(() => heard++);
      // Its own commit is told before the push answers.
      const own = heard;
      await store.push({ creator: "u", appends: [append("own", 0, note("mine"))] });
      expect(heard).toBeGreaterThan(own);
      // Another connection's, soon after (or a signal that some may have been missed, which a
      // listener takes the same way).
      const before = heard;
      await other.push({ creator: "u", appends: [append("theirs", 0, note("theirs"))] });
      await waitUntil(() => heard > before);
      stop();
      const stopped = heard;
      await other.push({ creator: "u", appends: [append("theirs", 1, note("unheard"))] });
      await store.push({ creator: "u", appends: [append("own", 1, note("unheard"))] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toBe(stopped);
    });

    it("answers ping while open", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

/** Waits for what another connection's commit brings about (a poll, a notification). */
async function waitUntil(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
