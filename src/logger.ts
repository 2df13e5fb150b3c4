/**
 * Structured logs: one JSON object per line on stdout (pino). A line written while a call
 * is served carries the call's request ID, trace and caller (see call-context.ts).
 */
import { pino } from "pino";
import { callLogFields } from "./call-context/call-context.js";

export type Logger = pino.Logger;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Lines go to stdout asynchronously, a few kilobytes at a time: a call does not wait for its
 * line's write, and under load one write carries dozens of lines instead of one each (a
 * write per line was a tenth of a read's cost). A quiet server's lines still leave within
 * FLUSH_MS. On exit pino flushes what is left synchronously; a process killed outright
 * loses at most the last FLUSH_MS of lines.
 */
const BUFFERED_BYTES = 4096;
const FLUSH_MS = 100;

export function createLogger(
  level: LogLevel,
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: false, minLength: BUFFERED_BYTES, periodicFlush: FLUSH_MS }),
): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, mixin: callLogFields }, destination);
}
