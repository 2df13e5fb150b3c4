/**
 * What a failure from SQLite means for the caller. The errors here are made as
 * better-sqlite3's native part makes them when another copy of the module was loaded first
 * in the process (as a test runner does, one copy per test file): same name and code, but
 * not an instance of the SqliteError class this copy exports.
 */
import { describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { isSqliteError, translateSqliteError } from "../../../src/eventstore/sqlite-errors.js";
import { StoreUnavailable } from "../../../src/eventstore/store.js";

class ForeignSqliteError extends Error {
  override readonly name = "SqliteError";
  constructor(readonly code: string) {
    super(`${code} from another copy of the module`);
  }
}

describe("SQLite's errors", () => {
  it("are known by name and code, whichever copy of the module made them", () => {
    expect(isSqliteError(new ForeignSqliteError("SQLITE_FULL"))).toBe(true);
    expect(isSqliteError(new Database.SqliteError("disk full", "SQLITE_FULL"))).toBe(true);
    expect(isSqliteError(new Error("SQLITE_FULL"))).toBe(false);
    expect(isSqliteError({ name: "SqliteError", code: "SQLITE_FULL" })).toBe(false);
  });

  it("mean Unavailable for a database that cannot work now, and stay themselves otherwise", () => {
    for (const code of ["SQLITE_FULL", "SQLITE_IOERR_FSYNC", "SQLITE_READONLY_DBMOVED", "SQLITE_BUSY"]) {
      expect(translateSqliteError(new ForeignSqliteError(code))).toBeInstanceOf(StoreUnavailable);
    }
    const constraint = new ForeignSqliteError("SQLITE_CONSTRAINT_UNIQUE");
    expect(translateSqliteError(constraint)).toBe(constraint);
  });
});
