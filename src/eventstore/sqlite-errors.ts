/**
 * What a failure from SQLite means for the caller, read from better-sqlite3's error `code`
 * (the extended result code's name), never from its message: the database cannot work
 * right now (disk full, read-only, I/O error, locked by another process for too long), so
 * the call may succeed later, or anything else, a fault of ours reported as Internal.
 */
import { StoreUnavailable } from "./store.js";

/** Primary result codes of a database that cannot work now; extended codes start with them. */
const UNAVAILABLE_CODES = [
  "SQLITE_FULL", // the disk (or max_page_count) is full
  "SQLITE_IOERR", // SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, ...: the disk failed us
  "SQLITE_READONLY", // the file, or its file system, cannot be written
  "SQLITE_CANTOPEN", // the file, its -wal or its directory cannot be opened
  "SQLITE_BUSY", // another process held the lock for longer than busy_timeout
  "SQLITE_LOCKED",
  "SQLITE_PROTOCOL", // the WAL lock protocol failed: another process misbehaves
];

/**
 * Whether SQLite raised the error: a SqliteError, known by its name and result code rather
 * than by its class. better-sqlite3's native part makes its errors with the class of the
 * first copy of the module loaded in the process, which need not be the copy this module
 * sees (a test runner gives each test file its own), and `instanceof` would then say no.
 */
export function isSqliteError(error: unknown): error is Error & { readonly code: string } {
  return error instanceof Error && error.name === "SqliteError" && typeof (error as { code?: unknown }).code === "string";
}

/** The error a caller sees: StoreUnavailable for a database that cannot work now, else unchanged. */
export function translateSqliteError(error: unknown): unknown {
  if (!isSqliteError(error)) return error;
  const { code } = error;
  if (!UNAVAILABLE_CODES.some((unavailable) => code === unavailable || code.startsWith(`${unavailable}_`))) return error;
  return new StoreUnavailable(`SQLite: ${code}`, { cause: error });
}
