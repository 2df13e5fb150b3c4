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
 * Lines go to stdout asynchronously: a call does not wait for its line's write, and lines
 * written while one write is under way leave together in the next. Under load that is one
 * write for many calls instead of one blocking write each; on exit pino flushes what is
 * left synchronously.
 */
export function createLogger(level: LogLevel, destination: pino.DestinationStream = pino.destination({ dest: 1, sync: false })): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, mixin: callLogFields }, destination);
}
