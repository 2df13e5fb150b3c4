/**
 * Another process's CPU time, from Linux's /proc: what the server under test spends,
 * measured from outside so that measuring costs it nothing.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU time (user and system, all threads) the process has used so far, in milliseconds. */
export function cpuTimeMs(pid: number): number {
  // "pid (name) state ppid ..."; the name may hold spaces but not ") ". utime and stime are
  // the 14th and 15th fields, the 12th and 13th after the name.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
