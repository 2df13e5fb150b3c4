/**
 * `lps doctor` on a SQLite database: the file is there and only its owner may read it, it is
 * in WAL mode, migrated by this release, and a write transaction can begin. It only reads:
 * a write transaction is begun and rolled back, nothing is created.
 */
import Database from "better-sqlite3";
import { constants, accessSync, existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { sqliteMigrations } from "../eventstore/sqlite-migrations.js";
import { fault, octalMode, ok, openToOthers, warning, type Finding } from "./doctor-finding.js";

const AREA = "database";
const LATEST = Math.max(...sqliteMigrations.map((step) => step.version));
/** How long the write check waits for another process's write transaction. */
const WRITE_LOCK_WAIT_MS = 2000;

export function checkSqlite(path: string): Finding[] {
  if (!existsSync(path)) {
    const directory = dirname(path);
    if (!canWrite(directory) && existsSync(directory)) {
      return [fault(AREA, `no SQLite database at ${path}, and its directory ${directory} is not writable`, `let the service's user write to ${directory}, or point LPS_DATABASE_URL elsewhere`)];
    }
    return [warning(AREA, `no SQLite database at ${path} yet`, "the first `lps serve` (or operator command) creates it; if one should be there, check LPS_DATABASE_URL")];
  }
  const findings: Finding[] = [];
  const mode = statSync(path).mode;
  if (openToOthers(mode)) {
    findings.push(
      fault(AREA, `${path} has mode ${octalMode(mode)}: other users can read its token hashes and audit trail`, `chmod 600 ${path} (and its -wal and -shm files)`),
    );
  }
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true, timeout: WRITE_LOCK_WAIT_MS });
  } catch (error) {
    return [...findings, fault(AREA, `${path} cannot be opened: ${(error as Error).message}`, "check the file's owner and mode, and that it is a SQLite database")];
  }
  try {
    const version = db.prepare("SELECT sqlite_version()").pluck().get() as string;
    findings.push(...checkSchema(db, path), checkWal(db, path), checkWritable(db, path));
    findings.push(ok(AREA, `SQLite ${version}, file ${path}`));
  } catch (error) {
    findings.push(fault(AREA, `${path} cannot be read: ${(error as Error).message}`, "check that it is a SQLite database of this service"));
  } finally {
    db.close();
  }
  return findings;
}

function checkSchema(db: Database.Database, path: string): Finding[] {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return [fault(AREA, `${path} has no tables of this service`, "start `lps serve` once on it, or check LPS_DATABASE_URL")];
  const newest = (db.prepare("SELECT max(version) FROM schema_migrations").pluck().get() as number | null) ?? 0;
  if (newest > LATEST) {
    return [fault(AREA, `the schema is at version ${newest}, newer than this release knows (${LATEST})`, "run the release that upgraded it, or a newer one")];
  }
  if (newest < LATEST) return [warning(AREA, `the schema is at version ${newest} of ${LATEST}`, "the next `lps serve` upgrades it")];
  return [ok(AREA, `migrated (schema version ${newest})`)];
}

function checkWal(db: Database.Database, path: string): Finding {
  const mode = db.pragma("journal_mode", { simple: true }) as string;
  if (mode.toLowerCase() === "wal") return ok(AREA, "journal mode WAL");
  return warning(AREA, `${path} is in journal mode ${mode}, not WAL: readers and the writer block each other`, "the next `lps serve` switches it to WAL; make sure nothing else opens the file in another mode");
}

function checkWritable(db: Database.Database, path: string): Finding {
  try {
    db.exec("BEGIN IMMEDIATE");
    db.exec("ROLLBACK");
    return ok(AREA, "writable");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("SQLITE_BUSY")) {
      return fault(AREA, `no write transaction could begin on ${path} within ${WRITE_LOCK_WAIT_MS / 1000} s: another process holds one open`, "find the process that keeps a write transaction open on the file (a stuck tool or backup) and end it");
    }
    return fault(AREA, `${path} is not writable: ${(error as Error).message}`, `let the service's user write ${path} and its directory`);
  }
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
