/**
 * Structured logs: one JSON object per line on stdout (pino). The lines written about a
 * call carry its request ID, trace and caller (callLine, see call-context.ts).
 */
import { pino } from "pino";

export type Logger = pino.Logger;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A logger writing to `destination`: the server gives it its StdoutLog (log-output.ts), which
 * writes many lines at a time and bounds what a stalled stdout holds; by default (a silent
 * logger, an operator tool's) the lines go straight to stdout.
 */
export function createLogger(level: LogLevel, destination: pino.DestinationStream = process.stdout): Logger {
  return pino({ level, base: undefined, timestamp: isoTimeEachMillisecond() }, destination);
}

/**
 * pino's `"time"` field in ISO 8601, as its isoTime writes it, formatted once per
 * millisecond: a busy server writes several lines in each, and formatting a date was a
 * noticeable part of a line's cost.
 */
function isoTimeEachMillisecond(): () => string {
  let millisecond = Number.NaN;
  let field = "";
  return () => {
    const now = Date.now();
    if (now !== millisecond) {
      millisecond = now;
      field = `,"time":"${new Date(now).toISOString()}"`;
    }
    return field;
  };
}
