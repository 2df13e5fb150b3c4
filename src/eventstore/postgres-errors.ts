/**
 * What a failure from PostgreSQL (or from the connection to it) means for the caller:
 * another writer won a race (decide again), the database cannot work right now (try again
 * later), or neither (a fault of ours, reported as Internal).
 */
import pg from "pg";

/** SQLSTATEs of a lost race: the work is sound and may simply be decided again. */
const CONFLICTS = new Set([
  "23505", // unique_violation: an aggregate's sequence was taken
  "40001", // serialization_failure
  "40P01", // deadlock_detected
]);

/** SQLSTATEs of a database that is down, starting, stopping, overloaded or read-only. */
const UNAVAILABLE_CODES = new Set([
  "57P01", // admin_shutdown: the server is stopping, or an operator ended the session
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the server is starting
  "57014", // query_canceled: statement_timeout
  "55P03", // lock_not_available
  "25006", // read_only_sql_transaction: connected to a standby
]);
/** SQLSTATE classes: 08 connection exception, 53 insufficient resources. */
const UNAVAILABLE_CLASSES = new Set(["08", "53"]);

/** How node-postgres reports a connection that broke, timed out or was closed. */
const CONNECTION_FAILURE =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end)/;

export function isConflict(error: unknown): boolean {
  return error instanceof pg.DatabaseError && CONFLICTS.has(error.code ?? "");
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? "";
    return UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CLASSES.has(code.slice(0, 2));
  }
  // Read as plain fields: errors from Node's sockets need not share this module's Error.
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // Socket and name-lookup errors: ECONNREFUSED, ECONNRESET, ENOTFOUND, ETIMEDOUT, ...
  if (typeof code === "string" && /^E[A-Z0-9_]+$/.test(code)) return true;
  return typeof message === "string" && CONNECTION_FAILURE.test(message);
}

/** A failure in a few words for logs and start-up messages: never SQL, never a stack. */
export function reasonOf(error: unknown): string {
  const { message } = (error ?? {}) as { message?: unknown };
  return typeof message === "string" && message !== "" ? message : String(error);
}
