/**
 * Runs one operator command: selects it by its words, checks its arguments, opens the
 * configured database (setting it up if it is new), runs it, and prints the result as text
 * or, with --json, as JSON. Exit codes: 0 done, 2 a usage or configuration mistake, 3 the
 * service refused (not found, already exists, invalid), 1 anything else.
 */
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { DomainError } from "../errors.js";
import { createLogger } from "../logger.js";
import { IdentityQueries } from "../query/identity-queries.js";
import { openService } from "../service.js";
import { memberCommands } from "./members.js";
import { UsageError, usageOf, type OperatorCommand } from "./operator-command.js";
import { orgCommands } from "./orgs.js";
import { tokenCommands } from "./tokens.js";
import { userCommands } from "./users.js";

export const OPERATOR_COMMANDS: readonly OperatorCommand[] = [...orgCommands, ...userCommands, ...memberCommands, ...tokenCommands];

export const EXIT_REFUSED = 3;

/** The nouns the operator commands start with. */
export const OPERATOR_NOUNS = new Set(OPERATOR_COMMANDS.map((c) => c.words[0]));

export function operatorUsage(): string {
  return OPERATOR_COMMANDS.map((c) => `  ${usageOf(c).padEnd(72)} ${c.summary}`).join("\n");
}

/** Runs the command the arguments name and returns the exit code. */
export async function runOperatorCommand(argv: readonly string[]): Promise<number> {
  const [noun, verb, ...rest] = argv;
  const command = OPERATOR_COMMANDS.find((c) => c.words[0] === noun && c.words[1] === verb);
  if (!command) {
    const verbs = OPERATOR_COMMANDS.filter((c) => c.words[0] === noun).map((c) => c.words[1]);
    throw new UsageError(`"lps ${noun} ${verb ?? ""}" is not a command; try: lps ${noun} ${verbs.join("|")}`);
  }
  const { args, options, json } = parse(command, rest);
  const config = loadConfig(process.env, options["database-url"] ? ["--database-url", options["database-url"]] : []);
  // Logs go to stderr, so that stdout holds only the command's output.
  const service = await openService(config, createLogger(config.logLevel === "info" ? "warn" : config.logLevel, process.stderr));
  try {
    const output = await command.run(
      { service, identities: new IdentityQueries(service.store), creator: `cli:${userInfo().username}` },
      { args, options },
    );
    process.stdout.write(json ? `${JSON.stringify(output.json, null, 2)}\n` : output.text);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError) || error.code === "Internal") throw error;
    process.stderr.write(`lps: ${error.message}\n`);
    return EXIT_REFUSED;
  } finally {
    await service.close();
  }
}

function parse(command: OperatorCommand, argv: readonly string[]) {
  const optionNames = [...Object.keys(command.options ?? {}), "database-url"];
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(optionNames.map((name) => [name, { type: "string" as const }])),
        json: { type: "boolean" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${usageOf(command)}`);
  }
  if (parsed.positionals.length !== command.args.length) {
    throw new UsageError(`usage: ${usageOf(command)}`);
  }
  const { json, ...options } = parsed.values as Record<string, string | boolean | undefined>;
  return { args: parsed.positionals, options: options as Record<string, string | undefined>, json: json === true };
}
