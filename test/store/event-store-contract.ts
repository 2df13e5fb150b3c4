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

    it("checks, with an append of no events, that another aggregate is still where the decision read it", async () => {
      await store.push({ creator: "u", appends: [append("a", 0, note("x")), append("b", 0, note("y"))] });
      const decideOnBoth = (bSequence: number) =>
        store.decide({ type: "notebook", id: "a" }, noteCounter.name, "a", (model) => ({
          creator: "u",
          appends: [append("a", model.sequence, note("z")), append("b", bSequence)],
        }));
      // A writer of the other aggregate got there after the read: the whole push fails.
      await store.push({ creator: "u", appends: [append("b", 1, note("moved"))] });
      await expect(decideOnBoth(1)).rejects.toBeInstanceOf(SequenceConflict);
      expect((await store.events({ type: "notebook", id: "a" })).length).toBe(1);
      const stored = await decideOnBoth(2);
      expect(stored.map((e) => [e.aggregate.id, e.sequence])).toEqual([["a", 2]]);
      expect((await store.events({ type: "notebook", id: "b" })).length).toBe(2);
    });

    it("reads a snapshot of another aggregate alongside the write model, as it is then, for the decision and its check", async () => {
      await store.push({ creator: "u", appends: [append("a", 0, note("x")), append("b", 0, note("y"), note("y"))] });
      const seen: { sequence: number; count: number | undefined }[] = [];
      const decideWithB = () =>
        store.decide<{ count: number }>(
          { type: "notebook", id: "a" },
          noteCounter.name,
          "a",
          (model, b) => {
            seen.push({ sequence: b!.sequence, count: b!.state?.count });
            return { creator: "u", appends: [append("a", model.sequence, note("z")), append("b", b!.sequence)] };
          },
          { aggregate: { type: "notebook", id: "b" }, projection: noteCounter.name, key: "b" },
        );
      await decideWithB();
      await store.push({ creator: "u", appends: [append("b", 2, note("moved"))] });
      const stored = await decideWithB();
      expect(seen).toEqual([
        { sequence: 2, count: 2 },
        { sequence: 3, count: 3 },
      ]);
      expect(stored.map((e) => [e.aggregate.id, e.sequence])).toEqual([["a", 3]]);
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

    it("gives each of many concurrent writes its own outcome: conflicts, refusals and taken values fail alone", async () => {
      for (let i = 0; i < 10; i++) await store.push({ creator: "u", appends: [append(`moved${i}`, 0, note("setup"))] });
      await store.push({ creator: "u", appends: [append("holder", 0, note("setup"))], claim: [{ kind: "name", value: "held" }] });
      const refusal = (i: number) => new Error(`refused ${i}`);
      const hotSeen: number[] = [];
      // Calls of four kinds, interleaved, all in flight at once; `fails` says what each must answer.
      const calls = Array.from({ length: 48 }, (_, i) => {
        const text = `call ${i}`;
        switch (i % 4) {
          case 0: // a new notebook claiming a free name: written
            return { i, fails: undefined, run: store.push({ creator: "u", appends: [append(`new${i}`, 0, note(text))], claim: [{ kind: "name", value: `free${i}` }] }) };
          case 1: // a stale sequence, whose claim must then be rolled back with it
            return { i, fails: SequenceConflict, run: store.push({ creator: "u", appends: [append(`fresh${i}`, 0, note(text)), append(`moved${i % 10}`, 0, note(text))], claim: [{ kind: "name", value: `lost${i}` }] }) };
          case 2: // a decision on one shared notebook, every other one refusing
            return {
              i,
              fails: i % 8 === 6 ? Error : undefined,
              run: store.decide<{ count: number }>({ type: "notebook", id: "hot" }, noteCounter.name, "hot", (model) => {
                expect(model.state?.count ?? 0).toBe(model.sequence);
                if (i % 8 === 6) throw refusal(i);
                hotSeen.push(model.sequence);
                return { creator: "u", appends: [append("hot", model.sequence, note(text))] };
              }),
            };
          default: // a name somebody holds
            return { i, fails: UniqueConstraintTaken, run: store.push({ creator: "u", appends: [append(`taker${i}`, 0, note(text))], claim: [{ kind: "name", value: "held" }] }) };
        }
      });
      const settled = await Promise.allSettled(calls.map((call) => call.run));

      settled.forEach((result, n) => {
        const { i, fails } = calls[n]!;
        if (fails === undefined) {
          expect(result.status).toBe("fulfilled");
          const stored = (result as PromiseFulfilledResult<{ payload: unknown }[]>).value;
          expect(stored.map((e) => e.payload)).toEqual([{ text: `call ${i}` }]);
          return;
        }
        expect(result.status).toBe("rejected");
        const reason = (result as PromiseRejectedResult).reason as Error;
        if (fails === SequenceConflict) expect(reason).toEqual(new SequenceConflict({ type: "notebook", id: `moved${i % 10}` }));
        else if (fails === UniqueConstraintTaken) expect(reason).toEqual(new UniqueConstraintTaken({ kind: "name", value: "held" }));
        else expect(reason).toEqual(refusal(i));
      });

      for (const { i, fails } of calls) {
        if (i % 4 === 0) expect((await store.events({ type: "notebook", id: `new${i}` })).map((e) => e.sequence)).toEqual([1]);
        if (i % 4 === 1) {
          expect(fails).toBe(SequenceConflict);
          expect(await store.events({ type: "notebook", id: `fresh${i}` })).toEqual([]);
          expect(await store.document(noteCounter.name, `fresh${i}`)).toBeUndefined();
          expect(await store.document(noteCounter.name, `moved${i % 10}`)).toEqual({ count: 1, last: 1 });
          // The failed call's claim went with it: the name is free.
          await store.push({ creator: "u", appends: [append(`later${i}`, 0, note("x"))], claim: [{ kind: "name", value: `lost${i}` }] });
        }
        if (i % 4 === 3) expect(await store.events({ type: "notebook", id: `taker${i}` })).toEqual([]);
      }
      const decided = calls.filter((call) => call.i % 4 === 2 && call.fails === undefined).length;
      expect(hotSeen.sort((a, b) => a - b)).toEqual(Array.from({ length: decided }, (_, n) => n));
      expect((await store.events({ type: "notebook", id: "hot" })).map((e) => e.sequence)).toEqual(
        Array.from({ length: decided }, (_, n) => n + 1),
      );
      expect(await store.document(noteCounter.name, "hot")).toEqual({ count: decided, last: decided });
      // 11 setup notes, 12 new notebooks, the decided notes and the 12 later ones; nothing of a failed call.
      expect(await store.document(noteTotal.name, "all")).toEqual({ count: 11 + 12 + decided + 12 });
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
