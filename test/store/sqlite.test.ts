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
    expect(db.prepare("SELECT version FROM schema_migrations").pluck().all()).toEqual([1]);
    db.close();
  });
});
