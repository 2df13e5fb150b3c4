/**
 * Commands are optimistic: they read, decide and append expecting the aggregate unchanged.
 * When another writer got there first, the append fails as a whole and the command reads
 * and decides again, so its rules always hold against the latest state.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { DomainError } from "../errors.js";
import { SequenceConflict } from "../eventstore/store.js";

const MAX_ATTEMPTS = 10;
/** The first pause's longest length: about one write transaction on PostgreSQL. */
const FIRST_PAUSE_MS = 10;
/** No pause is longer, so a call that keeps losing still answers within about 1.5 s. */
const LONGEST_PAUSE_MS = 250;

export async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof SequenceConflict)) throw error;
      if (n === MAX_ATTEMPTS) {
        throw new DomainError(
          "Aborted",
          "COMMAND-R3try",
          "Errors.Concurrency.TooManyConflicts",
          "the object kept changing while this call was deciding; try again",
        );
      }
      // A random pause in a window that doubles with each loss ("full jitter"): racing
      // writers spread out over several transactions' time instead of colliding again.
      await sleep(Math.random() * Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (n - 1)));
    }
  }
}
