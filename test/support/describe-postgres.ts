/** `describe` for tests that need PostgreSQL: on a machine without it, skipped, and the name says why. */
import { describe } from "@jest/globals";
import { postgresSkipReason } from "./test-postgres.js";

export function describePostgres(name: string, tests: () => void): void {
  // Skipped only where PostgreSQL's server binaries are missing; the reason is in the name.
  if (postgresSkipReason) describe.skip(`${name} (skipped: ${postgresSkipReason})`, tests);
  else describe(name, tests);
}
