#!/usr/bin/env node
/**
 * The command line: `serve` runs the service; the operator commands (orgs, users, members,
 * tokens) work on its database. Mistakes an operator can fix are printed as plain sentences
 * with exit code 2; refusals by the service exit with 3; anything else exits with 1.
 */
import { existsSync } from "node:fs";
import { DOCTOR_USAGE, runDoctor } from "./cli/doctor.js";
import { operatorUsage, OPERATOR_NOUNS, runOperatorCommand } from "./cli/run-operator-command.js";
import { UsageError } from "./cli/operator-command.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createLogger } from "./logger.js";
import { StdoutLog } from "./log-output.js";
import { guardProcess } from "./process-guard.js";
import { startApp, type App } from "./server/app.js";

const USAGE = `usage:
  lps [serve] [--host H] [--port P] [--database-url URL] [--tls-cert F --tls-key F] [--log-level L]
${operatorUsage()}
  ${DOCTOR_USAGE.padEnd(72)} check the configuration, database, TLS and keys
Settings come from LPS_* environment variables too; see the README.`;

async function serve(args: string[]): Promise<void> {
  const config = loadConfig(process.env, args);
  const output = new StdoutLog(config.logHeldBytes);
  const logger = createLogger(config.logLevel, output.destination);
  guardProcess(logger);
  const app = await startApp(config, logger, output);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await app.close();
    logger.info("stopped");
    // A stdout nobody reads must not hold the process: its last lines get a moment, no more.
    output.finish();
  };
  // Before the banner: whoever starts the process may signal it as soon as it says it listens.
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  // The banner comes last, after the start-up's log lines.
  await output.flushed();
  process.stdout.write(banner(app, config));
}

function banner(app: App, config: Config): string {
  const { url } = app;
  const target = `${app.address.address === "::" ? "localhost" : app.address.address}:${app.address.port}`;
  const plaintext = url.startsWith("https") ? "" : "-plaintext ";
  const token = `"authorization: Bearer $(cat ${config.adminPatPath})"`;
  const tokenNote = existsSync(config.adminPatPath)
    ? `The admin user's token is in ${config.adminPatPath}.`
    : `No admin token at ${config.adminPatPath}: issue one with "lps tokens create <user ID>" (see "lps users list").`;
  return `
Login Policy Service is listening on ${url} (gRPC, gRPC-Web, Connect, REST).
${tokenNote}

Read the default login policy:
  curl -s ${url}/admin/v1/policies/login -H ${token}
  curl -s -X POST ${url}/zitadel.admin.v1.AdminService/GetLoginPolicy -H 'content-type: application/json' -H ${token} -d '{}'
  grpcurl ${plaintext}-H ${token} ${target} zitadel.admin.v1.AdminService/GetLoginPolicy

`;
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith("-") && first !== "--help") return serve(argv);
  if (first === "serve") return serve(rest);
  if (first === "help" || first === "--help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (first === "doctor") {
    process.exitCode = await runDoctor(rest);
    return;
  }
  if (OPERATOR_NOUNS.has(first)) {
    process.exitCode = await runOperatorCommand(argv);
    return;
  }
  throw new UsageError(`unknown command "${first}"\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`lps: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`lps: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
});
