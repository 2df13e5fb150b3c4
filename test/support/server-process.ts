/**
 * The server as operators run it: `node dist/src/main.js` in a child process (built by
 * `npm test`'s pretest step), for what only a real process shows: start-up output, exit
 * codes, and surviving SIGKILL.
 */
import { afterAll } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "./temp-dir.js";

export const MAIN = fileURLToPath(new URL("../../dist/src/main.js", import.meta.url));

/** Children still running. */
const children = new Set<ChildProcess>();

// A test that fails before stopping its server must not leave it running: its open pipes
// would keep jest from ever exiting. Every test file that imports this module gets this hook.
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The admin token from LPS_ADMIN_PAT_PATH (a temporary file unless given), if it was written. */
  readonly adminToken: string;
  output(): string;
  /** Sends the signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** A started `lps serve` whose output can be watched before it listens. */
export interface LaunchedServer {
  output(): string;
  /** Resolves once it prints where it listens; rejects if it exits first. */
  readonly listening: Promise<ServerProcess>;
}

/** Starts `lps serve` and resolves once it prints where it listens. */
export function startServerProcess(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  return launchServerProcess(env, args).listening;
}

/** The environment of a child: nothing of ours leaks in, and no file lands in the repository. */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat"), ...env };
}

export function launchServerProcess(given: Record<string, string>, args: string[] = []): LaunchedServer {
  const env = childEnv({ LPS_PORT: "0", LPS_LOG_LEVEL: "warn", ...given });
  const child = track(spawn(process.execPath, [MAIN, "serve", ...args], { env, stdio: ["ignore", "pipe", "pipe"] }));
  let output = "";
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  const listening = new Promise<ServerProcess>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        const patPath = env.LPS_ADMIN_PAT_PATH!;
        resolve({
          child,
          url: match[1]!,
          adminToken: existsSync(patPath) ? readFileSync(patPath, "utf8").trim() : "",
          output: () => output,
          stop: (signal = "SIGTERM") => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  return { output: () => output, listening };
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = track(spawn(process.execPath, [MAIN, ...args], { env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] }));
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}
