/**
 * Waits for something another process does (a server to answer again, a session to start
 * waiting for a lock), checking every 50 ms. The limit only keeps a broken test from hanging.
 */
import { setTimeout as sleep } from "node:timers/promises";

export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}
