/**
 * Structured logs: one JSON object per line on stdout (pino). The lines written about a
 * call carry its request ID, trace and caller (callLine, see call-context.ts).
 */
import { pino } from "pino";
import { StdoutLog } from "./log-output.js";

export type Logger = pino.Logger;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(
  level: LogLevel,
  destination: pino.DestinationStream = new StdoutLog().destination,
): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
