/**
 * The service under load: `lps serve` in a child process, as operators run it, logging
 * each call at the default level (info). A child of its own, because on two cores the
 * load generator and the server then each have a core and an event loop: in one process
 * the clients' CPU would be counted as the server's, and every client callback would delay
 * a server callback. The process also answers questions about its memory (harness/memory-probe.ts).
 */
import type { ChildProcess } from "node:child_process";
import { memoryAfterGc } from "../harness/memory-reading.js";
import { startServerProcess } from "../harness/server-process.js";
import type { Target } from "./policy-reads.js";

/** The service, called with the admin user's token. */
export interface ServiceUnderTest extends Target {
  readonly pid: number;
  /** The documents it keeps in memory at most (LPS_CACHED_DOCUMENTS). */
  readonly cachedDocuments: number;
  /** Its memory after a full garbage collection (see harness/memory-probe.ts). */
  memory(): Promise<NodeJS.MemoryUsage>;
  /**
   * Rejects if the process exits before stop(), with the end of what it wrote to stderr: a
   * run whose service died (a crash, the kernel's OOM killer) fails, rather than waiting on
   * answers that never come.
   */
  readonly died: Promise<never>;
  stop(): Promise<void>;
}

/** How much of the end of the service's stderr a death reports. */
const LAST_WORDS_BYTES = 2048;

/** The default of LPS_CACHED_DOCUMENTS, stated so that the report can say what the memory figures are for. */
const CACHED_DOCUMENTS = 10_000;

const PROBE = new URL("../harness/memory-probe.js", import.meta.url).href;

/** Starts the service on a database that prepareDatabase (fixture.ts) set up, and wrote the admin token for. */
export async function startServiceUnderTest(databaseUrl: string, adminPatPath: string): Promise<ServiceUnderTest> {
  const server = await startServerProcess(
    {
      LPS_DATABASE_URL: databaseUrl,
      LPS_ADMIN_PAT_PATH: adminPatPath,
      LPS_LOG_LEVEL: "info",
      LPS_HOST: "127.0.0.1",
      // One client address and one user make every call, as fast as they can.
      LPS_RATE_LIMIT_PER_ADDRESS: "0",
      LPS_RATE_LIMIT_PER_CALLER: "0",
      LPS_CACHED_DOCUMENTS: String(CACHED_DOCUMENTS),
    },
    [],
    { execArgv: ["--expose-gc", "--import", PROBE], ipc: true, keepOutput: "until listening" },
  );
  const child: ChildProcess = server.child;
  let lastWords = "";
  child.stderr!.on("data", (chunk: Buffer) => (lastWords = (lastWords + chunk.toString()).slice(-LAST_WORDS_BYTES)));
  let stopping = false;
  const died = new Promise<never>((_, reject) =>
    child.once("exit", (code, signal) => {
      if (!stopping) reject(new Error(`the service under test exited (${signal ?? code}) during the run${lastWords ? `; its stderr ended with:\n${lastWords}` : ""}`));
    }),
  );
  // Whoever awaits it hears of it; a death nobody races against is no unhandled rejection.
  died.catch(() => {});
  return {
    url: server.url,
    address: new URL(server.url).host,
    pid: child.pid!,
    cachedDocuments: CACHED_DOCUMENTS,
    token: server.adminToken,
    memory: () => memoryAfterGc(child),
    died,
    async stop() {
      stopping = true;
      await server.stop();
    },
  };
}
