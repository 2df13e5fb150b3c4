import { afterAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { join } from "node:path";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { CATCH_UP_EVENTS, MAX_BATCH, SqliteEventStore } from "../../src/eventstore/sqlite.js";
import { ReadScope } from "../../src/eventstore/read-scope.js";
import { SequenceConflict, StoreUnavailable } from "../../src/eventstore/store.js";
import { contractProjections, describeEventStoreContract } from "./event-store-contract.js";
import { smallDisk, unmount } from "../support/small-disk.js";

afterAll(removeTempDirs);

describeEventStoreContract("SQLite", () => {
  let path = "";
  return {
    fresh: async () => {
      path = join(tempDir(), "nested", "lps.db");
      return new SqliteEventStore(path, contractProjections);
    },
    reopen: async () => new SqliteEventStore(path, contractProjections),
  };
});

/** What became of each call, named (not just checked), so that a failure says what came instead. */
function outcomeNames(results: PromiseSettledResult<unknown>[]): string[] {
  return results.map((result) => {
    if (result.status === "fulfilled") return "committed";
    const reason = result.reason as { name?: string; code?: string };
    return reason instanceof StoreUnavailable ? "StoreUnavailable" : `${reason.name} ${reason.code ?? ""}`;
  });
}

describe("SQLite specifics", () => {
  it("uses WAL and migrates once", async () => {
    const path = join(tempDir(), "lps.db");
    await new SqliteEventStore(path, []).close();
    await new SqliteEventStore(path, []).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT version FROM schema_migrations").pluck().all()).toEqual([1, 2, 3]);
    db.close();
  });

  it("refuses document reads at once when a check finds the file gone, however recent the last sound one", async () => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections);
    try {
      expect(await store.document("note_total", "all")).toBeUndefined(); // the file found sound just now
      unlinkSync(path);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(store.document("note_total", "all")).rejects.toBeInstanceOf(StoreUnavailable);
    } finally {
      await store.close();
    }
  });
});

describe("SQLite documents read from memory", () => {
  const note = (aggregate: string, expectedSequence: number, type = "note.added") => ({
    creator: "u",
    appends: [{ aggregate: { type: "notebook", id: aggregate }, resourceOwner: "o", expectedSequence, events: [{ type, payload: {} }] }],
  });

  /** Runs `test` with two stores on one file: the server's, and another connection's (the operator CLI's). */
  async function withServerAndCli(test: (server: SqliteEventStore, cli: SqliteEventStore) => Promise<void>): Promise<void> {
    const path = join(tempDir(), "lps.db");
    const server = new SqliteEventStore(path, contractProjections);
    const cli = new SqliteEventStore(path, contractProjections);
    try {
      await test(server, cli);
    } finally {
      await cli.close();
      await server.close();
    }
  }

  it("sees another connection's commit on the very next read, as the operator CLI's", () =>
    withServerAndCli(async (server, cli) => {
      await server.push(note("a", 0));
      expect(await server.document("note_counts", "a")).toEqual({ count: 1, last: 1 });
      await cli.push(note("a", 1));
      expect(await server.document("note_counts", "a")).toEqual({ count: 2, last: 2 });
      await cli.push(note("a", 2, "note.cleared")); // as a revocation deletes a token's document
      expect(await server.document("note_counts", "a")).toBeUndefined();
      // A document that did not exist, asked for (and remembered as absent), then created elsewhere.
      expect(await server.document("note_counts", "b")).toBeUndefined();
      await cli.push(note("b", 0));
      expect(await server.document("note_counts", "b")).toEqual({ count: 1, last: 1 });
    }));

  it("lets a call rely on a look begun after its request arrived, and makes a call that arrived after another connection's commit look again", () =>
    withServerAndCli(async (server, cli) => {
      await server.push(note("a", 0));
      const arrivedEarly = new ReadScope([]);
      const arrivedNext = new ReadScope([]);
      expect(await server.document("note_counts", "a", arrivedNext)).toEqual({ count: 1, last: 1 });
      await cli.push(note("a", 1));
      // Its caller sent the request before the commit was made: the look made for the next
      // call, after that request arrived, serves it.
      expect(await server.document("note_counts", "a", arrivedEarly)).toEqual({ count: 1, last: 1 });
      // A request that arrives after the commit is answered after a look of its own.
      expect(await server.document("note_counts", "a", new ReadScope([]))).toEqual({ count: 2, last: 2 });
    }));

  it("forgets everything after another connection's bulk import, and follows the commits after it one by one", async () => {
    const path = join(tempDir(), "lps.db");
    const server = new SqliteEventStore(path, contractProjections);
    const importer = new SqliteEventStore(path, contractProjections);
    try {
      await server.push(note("a", 0));
      expect(await server.document("note_counts", "a")).toEqual({ count: 1, last: 1 });
      const bulk = Array.from({ length: CATCH_UP_EVENTS + 1 }, () => ({ type: "note.added", payload: {} }));
      await importer.push({ creator: "u", appends: [{ aggregate: { type: "notebook", id: "b" }, resourceOwner: "o", expectedSequence: 0, events: bulk }] });
      await importer.push(note("a", 1));
      expect(await server.document("note_counts", "a")).toEqual({ count: 2, last: 2 });
      expect(await server.document("note_counts", "b")).toEqual({ count: CATCH_UP_EVENTS + 1, last: CATCH_UP_EVENTS + 1 });
      await importer.push(note("a", 2));
      expect(await server.document("note_counts", "a")).toEqual({ count: 3, last: 3 });
    } finally {
      await importer.close();
      await server.close();
    }
  });

  it("forgets everything when another connection changes the database without an event", async () => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections);
    await store.push(note("a", 0));
    expect(await store.document("note_counts", "a")).toEqual({ count: 1, last: 1 });
    const db = new Database(path);
    db.prepare("DELETE FROM projection_documents WHERE projection = 'note_counts'").run();
    db.close();
    expect(await store.document("note_counts", "a")).toBeUndefined();
    await store.close();
  });

  it("decides and projects on what another connection committed, not on the copy memory held", () =>
    withServerAndCli(async (server, cli) => {
      await server.push(note("a", 0));
      expect(await server.document("note_total", "all")).toEqual({ count: 1 }); // held in memory now
      await cli.push(note("a", 1));
      await cli.push(note("b", 0));
      const models: unknown[] = [];
      await server.decide({ type: "notebook", id: "a" }, "note_counts", "a", (model) => {
        models.push(model);
        return note("a", model.sequence);
      });
      expect(models).toEqual([{ sequence: 2, state: { count: 2, last: 2 } }]);
      expect(await server.document("note_counts", "a")).toEqual({ count: 3, last: 3 });
      expect(await server.document("note_total", "all")).toEqual({ count: 4 });
      expect(await cli.document("note_total", "all")).toEqual({ count: 4 });
    }));

  it.each([
    ["held in memory", undefined],
    ["read from the file", 0],
  ])("hands decisions documents they cannot change, so a decision that tries changes nothing: %s", async (_, capacity) => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections, capacity);
    try {
      await store.push(note("a", 0));
      expect(await store.document("note_counts", "a")).toEqual({ count: 1, last: 1 });
      const decided = store.decide<{ count: number }>({ type: "notebook", id: "a" }, "note_counts", "a", (model) => {
        model.state!.count = 99; // a defect in a decision: it throws, and the call fails alone
        return note("a", model.sequence);
      });
      await expect(decided).rejects.toBeInstanceOf(TypeError);
      expect(await store.document("note_counts", "a")).toEqual({ count: 1, last: 1 });
    } finally {
      await store.close();
    }
  });

  it("answers the same with no room in memory at all", async () => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections, 0);
    await store.push(note("a", 0));
    await store.push(note("a", 1));
    expect(await store.document("note_counts", "a")).toEqual({ count: 2, last: 2 });
    await store.close();
  });
});

describe("SQLite group commit", () => {
  const note = (aggregate: string, expectedSequence: number) => ({
    creator: "u",
    appends: [{ aggregate: { type: "notebook", id: aggregate }, resourceOwner: "o", expectedSequence, events: [{ type: "note.added", payload: {} }] }],
  });

  it("commits the writes that arrive together in one transaction, at most MAX_BATCH of them", async () => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections);
    try {
      await Promise.all(Array.from({ length: 48 }, (_, i) => store.push(note(`n${i}`, 0))));
      expect(store.commitCount).toBe(1);
      const calls = 3 * MAX_BATCH + 1;
      await Promise.all(Array.from({ length: calls }, (_, i) => store.push(note(`m${i}`, 0))));
      expect(store.commitCount).toBe(1 + 4);
      expect(await store.document("note_total", "all")).toEqual({ count: 48 + calls });
      // One after another, each waits for the last: a commit each, as before.
      await store.push(note("solo", 0));
      await store.push(note("solo", 1));
      expect(store.commitCount).toBe(1 + 4 + 2);
    } finally {
      await store.close();
    }
  });

  it("writes a document that many calls of a batch change once, as the last of them left it", async () => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections);
    const db = new Database(path);
    try {
      await store.push(note("first", 0));
      db.exec(`
        CREATE TABLE document_writes (projection TEXT NOT NULL, key TEXT NOT NULL);
        CREATE TRIGGER document_updated AFTER UPDATE ON projection_documents
        BEGIN INSERT INTO document_writes VALUES (new.projection, new.key); END;
      `);
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.push(note(`n${i}`, 0))));
      expect(store.commitCount).toBe(2);
      expect(db.prepare("SELECT projection, key FROM document_writes").raw().all()).toEqual([["note_total", "all"]]);
      expect(db.prepare("SELECT state FROM projection_documents WHERE projection = 'note_total'").pluck().get()).toBe('{"count":11}');
    } finally {
      db.close();
      await store.close();
    }
  });

  it("keeps in the database and in memory exactly the writes that succeeded, seen from another connection", async () => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections);
    try {
      await store.push(note("a", 0));
      const results = await Promise.allSettled([
        store.push(note("a", 1)),
        store.push(note("a", 1)), // after the first in the same batch: a conflict
        store.push(note("b", 0)),
        store.push(note("a", 0)),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(SequenceConflict);
      expect(store.commitCount).toBe(2);
      expect(await store.document("note_counts", "a")).toEqual({ count: 2, last: 2 });
      expect(await store.document("note_total", "all")).toEqual({ count: 3 });
      const db = new Database(path, { readonly: true });
      expect(db.prepare("SELECT aggregate_id, sequence FROM events ORDER BY position").raw().all()).toEqual([
        ["a", 1],
        ["a", 2],
        ["b", 1],
      ]);
      expect(db.prepare("SELECT state FROM projection_documents WHERE projection = 'note_total'").pluck().get()).toBe('{"count":3}');
      db.close();
    } finally {
      await store.close();
    }
  });

  it("fails every call of a batch whose database is gone, and commits none of it", async () => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections);
    try {
      await store.push(note("a", 0));
      const pending = Array.from({ length: 8 }, (_, i) => store.push(note(`n${i}`, 0)));
      unlinkSync(path); // before the batch runs, in the next turn of the event loop
      const results = await Promise.allSettled(pending);
      expect(outcomeNames(results)).toEqual(Array(results.length).fill("StoreUnavailable"));
      expect(store.commitCount).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("commits the calls still waiting when it closes", async () => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections);
    const pending = Promise.all([store.push(note("a", 0)), store.push(note("b", 0))]);
    await store.close();
    await pending;
    const again = new SqliteEventStore(path, contractProjections);
    expect(await again.document("note_total", "all")).toEqual({ count: 2 });
    await again.close();
  });
});

describe("SQLite group commit on a full disk", () => {
  const disk = smallDisk(4);
  afterAll(() => {
    if (disk) unmount(disk);
  });

  // Skipped only where mounting a tmpfs is not allowed; the name says so.
  (disk ? it : it.skip)(`fails every call of the batch, the ones before the write that hit it too${disk ? "" : " (skipped: cannot mount a tmpfs here)"}`, async () => {
    const store = new SqliteEventStore(join(disk!, "lps.db"), contractProjections);
    const note = (aggregate: string, text: string) => ({
      creator: "u",
      appends: [{ aggregate: { type: "notebook", id: aggregate }, resourceOwner: "o", expectedSequence: 0, events: [{ type: "note.added", payload: { text } }] }],
    });
    try {
      await store.push(note("before", "x"));
      const filler = join(disk!, "filler");
      try {
        writeFileSync(filler, Buffer.alloc(8 << 20));
      } catch {
        // ENOSPC: the disk is full now, as meant
      }
      // The third is larger than the connection's page cache (16 MB as better-sqlite3 sets
      // it): its insert spills to the WAL, which cannot grow, while the first two already
      // sit in their savepoints.
      const results = await Promise.allSettled([
        store.push(note("a", "small")),
        store.push(note("b", "small")),
        store.push(note("big", "x".repeat(20 << 20))),
        store.push(note("c", "small")),
      ]);
      expect(outcomeNames(results)).toEqual(Array(results.length).fill("StoreUnavailable"));
      expect(await store.document("note_total", "all")).toEqual({ count: 1 });
      rmSync(filler);
      for (const id of ["a", "b", "big", "c"]) expect(await store.events({ type: "notebook", id })).toEqual([]);
      await store.push(note("after", "x"));
      expect(await store.document("note_total", "all")).toEqual({ count: 2 });
    } finally {
      await store.close();
    }
  });
});
