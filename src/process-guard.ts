/**
 * The last line of defence: an error that escaped every handler is logged loudly, with an
 * ID, instead of ending a process that serves everyone else. The edge handles the errors of
 * every socket, session and stream, and tests prove that none escapes; should one ever do,
 * this line in the log is what says where to look.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "./logger.js";

export function guardProcess(logger: Logger): void {
  process.on("uncaughtException", (error, origin) => {
    logger.fatal({ errorId: randomUUID(), err: error, origin }, "an error escaped every handler; serving on");
  });
  process.on("unhandledRejection", (reason) => {
    logger.fatal({ errorId: randomUUID(), err: reason }, "a rejected promise escaped every handler; serving on");
  });
}
