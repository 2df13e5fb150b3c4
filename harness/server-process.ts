/**
 * The server as operators run it: `node dist/src/main.js` in a child process (built by
 * `npm test`'s pretest step, and by `npm run bench`), for what only a real process shows:
 * start-up output, exit codes, surviving SIGKILL, and its own CPU time and memory.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryPath } from "./repository.js";
import { tempDir } from "./temp-dir.js";

export const MAIN = repositoryPath("dist/src/main.js");

/** Children still running. */
const children = new Set<ChildProcess>();

/**
 * Kills the children still running. Whoever starts them calls it when it ends early: open
 * pipes to a forgotten child would keep jest, or the benchmark, from ever exiting.
 */
export function killServerProcesses(): void {
  for (const child of children) child.kill("SIGKILL");
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** A child process serving on the URL it printed. */
export interface ListeningProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** Sends the signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface ServerProcess extends ListeningProcess {
  /** The admin token from LPS_ADMIN_PAT_PATH (a temporary file unless given), if it was written. */
  readonly adminToken: string;
}

/** A started process whose output can be watched before it listens. */
export interface Launched<P> {
  output(): string;
  /** Resolves once it prints where it listens; rejects if it exits first. */
  readonly listening: Promise<P>;
}

export interface NodeOptions {
  /** Flags for node itself, before the script (--expose-gc, --import ...). */
  readonly execArgv?: readonly string[];
  /** Opens an IPC channel: child.send() on this side, process.on("message") in the child. */
  readonly ipc?: boolean;
  /** Output kept for output(): all of it, or up to where it listens (a load test's request log would pile up here). */
  readonly keepOutput?: "all" | "until listening";
}

/** Starts `lps serve` and resolves once it prints where it listens. */
export function startServerProcess(env: Record<string, string>, args: string[] = [], node: NodeOptions = {}): Promise<ServerProcess> {
  return launchServerProcess(env, args, node).listening;
}

/** The environment of a child: nothing of ours leaks in, and no file lands in the repository. */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat"), ...env };
}

export function launchServerProcess(given: Record<string, string>, args: string[] = [], node: NodeOptions = {}): Launched<ServerProcess> {
  const env = childEnv({ LPS_PORT: "0", LPS_LOG_LEVEL: "warn", ...given });
  const launched = launchListeningProcess(MAIN, ["serve", ...args], env, node);
  const patPath = env.LPS_ADMIN_PAT_PATH!;
  return {
    output: launched.output,
    listening: launched.listening.then((server) => ({
      ...server,
      adminToken: existsSync(patPath) ? readFileSync(patPath, "utf8").trim() : "",
    })),
  };
}

/** Starts a node script that prints "listening on <url>" once it serves. */
export function launchListeningProcess(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  node: NodeOptions = {},
): Launched<ListeningProcess> {
  const stdio: StdioOptions = node.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"];
  const child = track(spawn(process.execPath, [...(node.execArgv ?? []), script, ...args], { env, stdio }));
  let output = "";
  let url: string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  const listening = new Promise<ListeningProcess>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (url && node.keepOutput === "until listening") return;
      output += chunk.toString();
      if (url) return;
      url = /listening on (\S+)/.exec(output)?.[1];
      if (!url) return;
      resolve({
        child,
        url,
        output: () => output,
        stop: (signal = "SIGTERM") => {
          if (child.connected) child.disconnect();
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    exited.then((code) => reject(new Error(`${script} exited (${code}) before listening:\n${output}`)));
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
