/**
 * The interoperability scenarios on the gRPC C-core, the implementation behind the Python,
 * Ruby, C++ and PHP clients: Debian's python3-grpcio runs c_core_client.py, one process per
 * scenario, with stubs that python3-grpc-tools generates from proto/ once per test file.
 *
 * Debian's interpreter is named by its path: a `python3` found first on PATH may be another
 * one, without those packages.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { repositoryPath } from "../../harness/repository.js";
import { tempDir } from "../../harness/temp-dir.js";
import type { CallSpec, InteropClient, Outcome, WatchCancelled } from "./interop-client.js";

export const PYTHON = "/usr/bin/python3";
const CLIENT_SCRIPT = repositoryPath("test/interop/c_core_client.py");
/** A scenario process still running by then is killed; its test fails with what it printed. */
const SCENARIO_LIMIT_MS = 60_000;

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".proto"));
}

/**
 * Generates the Python stubs of proto/ into a new directory and returns it. grpc/ (health,
 * reflection) moves under vendored/ first: generated as is, its `grpc` package would shadow
 * the grpc module itself. Module paths change, wire names do not.
 */
export function generatePythonStubs(): string {
  const source = repositoryPath("proto");
  const protos = tempDir("lps-interop-protos-");
  cpSync(source, protos, { recursive: true, filter: (path) => !relative(source, path).startsWith("grpc") });
  mkdirSync(join(protos, "vendored"));
  cpSync(join(source, "grpc"), join(protos, "vendored/grpc"), { recursive: true });
  const stubs = tempDir("lps-interop-stubs-");
  const protoc = ["-m", "grpc_tools.protoc", `-I${protos}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`];
  const generated = spawnSync(PYTHON, [...protoc, ...protoFiles(protos)], { cwd: protos, encoding: "utf8" });
  if (generated.status !== 0) throw new Error(`grpc_tools.protoc failed (${generated.status}): ${generated.error ?? generated.stderr}`);
  return stubs;
}

/** Runs one scenario in a process of its own and returns the JSON it printed. */
function runScenario<T>(stubs: string, scenario: Record<string, unknown>): Promise<T> {
  const child = spawn(PYTHON, [CLIENT_SCRIPT, stubs], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(JSON.stringify(scenario));
  const limit = setTimeout(() => child.kill("SIGKILL"), SCENARIO_LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(limit);
      if (code === 0) return resolve(JSON.parse(stdout) as T);
      reject(new Error(`${scenario.scenario} scenario of the C-core client ended with ${code ?? signal}:\n${stderr}${stdout}`));
    });
  });
}

export function cCoreClient(target: string, stubs: string): InteropClient {
  const run = <T>(scenario: string, fields: Record<string, unknown>) => runScenario<T>(stubs, { target, scenario, ...fields });
  return {
    calls: async (calls: readonly CallSpec[]) => (await run<{ outcomes: Outcome[] }>("calls", { calls })).outcomes,
    concurrent: async (call, count) => (await run<{ outcomes: Outcome[] }>("concurrent", { call, count })).outcomes,
    idle: async (call, idleMs, keepaliveMs) => (await run<{ outcomes: Outcome[] }>("idle", { call, idleMs, keepaliveMs })).outcomes,
    watchCancelled: (after, timeoutMs) => run<WatchCancelled>("watch", { after, timeoutMs }),
  };
}
