/**
 * Reading the memory of a child process that runs with harness/memory-probe.ts loaded
 * (`node --expose-gc --import memory-probe.js`, with an IPC channel): what it holds after a
 * full garbage collection.
 */
import type { ChildProcess } from "node:child_process";

export function memoryAfterGc(child: ChildProcess): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve) => {
    child.once("message", (usage) => resolve(usage as NodeJS.MemoryUsage));
    child.send("memory");
  });
}
