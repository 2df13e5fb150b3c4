/**
 * The time the server in this process reads (Date only; timers and I/O run as usual), held
 * still and moved on by a test, so that expiries, caches and cool-downs are reached without
 * waiting and without depending on how fast the machine is.
 */
import { jest } from "@jest/globals";

/** Everything jest could fake but Date. */
const REAL = [
  "hrtime",
  "nextTick",
  "performance",
  "queueMicrotask",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "requestIdleCallback",
  "cancelIdleCallback",
  "setImmediate",
  "clearImmediate",
  "setInterval",
  "clearInterval",
  "setTimeout",
  "clearTimeout",
] as const;

/** From now until `restartClock`, Date reads the same moment, until `advanceClock` moves it. */
export function stopClock(): void {
  jest.useFakeTimers({ doNotFake: [...REAL], now: Date.now() });
}

export function advanceClock(ms: number): void {
  jest.setSystemTime(Date.now() + ms);
}

export function restartClock(): void {
  jest.useRealTimers();
}
