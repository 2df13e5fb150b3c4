/**
 * An attacker in a process of its own, so that the test's own event loop stays free to time
 * the normal calls it makes meanwhile. The attack is JavaScript for `node -e` (it needs
 * nothing but Node), takes its arguments from the command line, and prints a JSON report
 * when it is done.
 */
import { spawn } from "node:child_process";

export function attackerProcess<R>(script: string, args: readonly string[]): Promise<R> {
  const child = spawn(process.execPath, ["-e", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(output) as R) : reject(new Error(`the attacker exited with ${code}`)))),
  );
}
