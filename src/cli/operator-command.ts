/**
 * Operator commands (`lps orgs add ...`): what each takes and what it does. They work on the
 * configured database directly, whether or not a server is running on it.
 */
import type { IdentityQueries } from "../query/identity-queries.js";
import type { Service } from "../service.js";

export interface OperatorContext {
  readonly service: Service;
  readonly identities: IdentityQueries;
  /** Recorded as the creator of the events a command causes. */
  readonly creator: string;
}

export interface CommandInput {
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, string | undefined>>;
}

/** What a command prints: JSON for scripts (--json), text for people. */
export interface CommandOutput {
  readonly json: unknown;
  readonly text: string;
}

export interface OperatorCommand {
  /** The words that select it, e.g. ["orgs", "add"]. */
  readonly words: readonly [string, string];
  /** Its positional arguments, e.g. ["<name>"]. */
  readonly args: readonly string[];
  /** Its options, each taking a value, with a description. */
  readonly options?: Readonly<Record<string, string>>;
  readonly summary: string;
  run(context: OperatorContext, input: CommandInput): Promise<CommandOutput>;
}

/** Wrong words, arguments or options: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function usageOf(command: OperatorCommand): string {
  const options = Object.keys(command.options ?? {}).map((name) => `[--${name} ...]`);
  return ["lps", ...command.words, ...command.args, ...options, "[--json]"].join(" ");
}
