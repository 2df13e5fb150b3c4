/**
 * Structured logs: one JSON object per line on stdout (pino). A line written while a call
 * is served carries the call's request ID, trace and caller (see call-context.ts).
 */
import { pino } from "pino";
import { callLogFields } from "./call-context/call-context.js";
import { StdoutLog } from "./log-output.js";

export type Logger = pino.Logger;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(
  level: LogLevel,
  destination: pino.DestinationStream = new StdoutLog().destination,
): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, mixin: callLogFields }, destination);
}
