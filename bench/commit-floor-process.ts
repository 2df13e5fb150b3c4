/**
 * The floor under the service's writes, in a child process as the service is: bare commits
 * of one small row each, through the same driver, with the same durability and on the same
 * disk as the service's database. The parent asks over the IPC channel ({ id }), and each
 * answer ({ id }, or { id, error }) comes once the commit is durable.
 *
 *   node commit-floor-process.js sqlite <file>          WAL, synchronous=FULL, as the service opens it
 *   node commit-floor-process.js postgres <url> <n>     fsync and synchronous_commit on, n connections
 */
import Database from "better-sqlite3";
import pg from "pg";

const ROW = "payload of about the size of one event";

interface Ask {
  readonly id: number;
}

type Commit = () => Promise<void> | void;

async function open(engine: string | undefined, target: string | undefined, connections: number): Promise<Commit> {
  if (!target) throw new Error("usage: commit-floor-process.js sqlite <file> | postgres <url> <connections>");
  if (engine === "sqlite") {
    const db = new Database(target);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("CREATE TABLE commits (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
    const insert = db.prepare("INSERT INTO commits (payload) VALUES (?)");
    return () => void insert.run(ROW);
  }
  const pool = new pg.Pool({ connectionString: target, max: connections });
  await pool.query("CREATE TABLE commits (id bigserial PRIMARY KEY, payload text NOT NULL)");
  return async () => void (await pool.query({ name: "commit", text: "INSERT INTO commits (payload) VALUES ($1)", values: [ROW] }));
}

const [engine, target, connections] = process.argv.slice(2);
const commit = await open(engine, target, Number(connections ?? 1));
process.on("message", (ask: Ask) => {
  Promise.resolve()
    .then(commit)
    .then(
      () => process.send?.({ id: ask.id }),
      (error: unknown) => process.send?.({ id: ask.id, error: String(error) }),
    );
});
// The parent's end of the channel closing is the end of the run.
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
