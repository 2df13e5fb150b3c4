/**
 * The floor under the service's writes: bare commits in a child process of their own
 * (commit-floor-process.ts), for the load generator to run like any other call. In a child,
 * as the service is, so that a SQLite commit's fsync holds that process's event loop and
 * not the load generator's, and both sides pay the same hop between processes.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Calls } from "./load-generator.js";

const FLOOR = fileURLToPath(new URL("./commit-floor-process.js", import.meta.url));

interface Answer {
  readonly id?: number;
  readonly ready?: boolean;
  readonly error?: string;
}

/** SQLite in WAL mode with synchronous=FULL, as the service opens it. */
export function sqliteCommits(path: string): Promise<Calls> {
  return commitsInChild(["sqlite", path]);
}

/** PostgreSQL with its defaults (fsync and synchronous_commit on), one connection per caller. */
export function postgresCommits(databaseUrl: string, connections: number): Promise<Calls> {
  return commitsInChild(["postgres", databaseUrl, String(connections)]);
}

async function commitsInChild(args: string[]): Promise<Calls> {
  const child = fork(FLOOR, args, { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the commit floor exited with ${code} before it was ready`)));
    child.on("message", (answer: Answer) => {
      if (answer.ready) return resolve();
      const asked = waiting.get(answer.id!);
      waiting.delete(answer.id!);
      if (answer.error) asked?.reject(new Error(answer.error));
      else asked?.resolve();
    });
  });
  child.removeAllListeners("exit");
  child.on("exit", () => {
    for (const asked of waiting.values()) asked.reject(new Error("the commit floor exited"));
    waiting.clear();
  });
  return {
    call: () =>
      new Promise<void>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        child.send({ id });
      }),
    close: () => child.disconnect(),
  };
}
