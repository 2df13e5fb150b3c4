/**
 * The server as operators run it: `node dist/src/main.js` in a child process (built by
 * `npm test`'s pretest step), for what only a real process shows: start-up output, exit
 * codes, and surviving SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const MAIN = fileURLToPath(new URL("../../dist/src/main.js", import.meta.url));

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The admin token from LPS_ADMIN_PAT_PATH, if the environment names that file and it exists. */
  readonly adminToken: string;
  output(): string;
  /** Sends the signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `lps serve` and resolves once it prints where it listens. */
export function startServerProcess(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN, "serve", ...args], {
    env: { PATH: process.env.PATH ?? "", LPS_PORT: "0", LPS_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        const patPath = env.LPS_ADMIN_PAT_PATH;
        resolve({
          child,
          url: match[1]!,
          adminToken: patPath && existsSync(patPath) ? readFileSync(patPath, "utf8").trim() : "",
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
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}
