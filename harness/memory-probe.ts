/**
 * Loaded into the server under test (`node --expose-gc --import memory-probe.js`) to tell
 * the benchmark or a test, over the IPC channel, how much memory the process holds. Each answer
 * comes after a full garbage collection, so that it counts what is still referenced rather
 * than garbage not yet collected. The server's own code knows nothing of this.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** Long enough for the collector's background sweeping to hand freed pages back. */
const SWEEP_MS = 100;

const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (!collectGarbage) throw new Error("memory-probe.js needs node --expose-gc");

process.on("message", async () => {
  collectGarbage();
  const { heapUsed } = process.memoryUsage();
  await sleep(SWEEP_MS);
  process.send?.({ ...process.memoryUsage(), heapUsed });
});
