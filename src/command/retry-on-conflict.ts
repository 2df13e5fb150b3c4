/**
 * Commands are optimistic: they read, decide and append expecting the aggregate unchanged.
 * When another writer got there first, the append fails as a whole and the command reads
 * and decides again, so its rules always hold against the latest state.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { DomainError } from "../errors.js";
import { SequenceConflict } from "../eventstore/store.js";

const MAX_ATTEMPTS = 8;

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
      // Jittered, growing pause so that racing writers spread out instead of colliding again.
      await sleep(Math.random() * 2 ** n);
    }
  }
}
