import { afterAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { join } from "node:path";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { SqliteEventStore } from "../../src/eventstore/sqlite.js";
import { contractProjections, describeEventStoreContract } from "./event-store-contract.js";

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

describe("SQLite specifics", () => {
  it("uses WAL and migrates once", async () => {
    const path = join(tempDir(), "lps.db");
    await new SqliteEventStore(path, []).close();
    await new SqliteEventStore(path, []).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT version FROM schema_migrations").pluck().all()).toEqual([1, 2]);
    db.close();
  });
});

describe("SQLite documents read from memory", () => {
  const note = (aggregate: string, expectedSequence: number, type = "note.added") => ({
    creator: "u",
    appends: [{ aggregate: { type: "notebook", id: aggregate }, resourceOwner: "o", expectedSequence, events: [{ type, payload: {} }] }],
  });

  it("sees another connection's commit on the very next read, as the operator CLI's", async () => {
    const path = join(tempDir(), "lps.db");
    const server = new SqliteEventStore(path, contractProjections);
    const cli = new SqliteEventStore(path, contractProjections);
    try {
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
    } finally {
      await cli.close();
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

  it("answers the same with no room in memory at all", async () => {
    const path = join(tempDir(), "lps.db");
    const store = new SqliteEventStore(path, contractProjections, 0);
    await store.push(note("a", 0));
    await store.push(note("a", 1));
    expect(await store.document("note_counts", "a")).toEqual({ count: 2, last: 2 });
    await store.close();
  });
});
