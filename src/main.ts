#!/usr/bin/env node
/**
 * The command line: `serve` runs the service. Problems an operator can fix are printed as
 * plain sentences with exit code 2; anything else is logged and exits with 1.
 */
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startApp, type App } from "./server/app.js";

const USAGE = `usage: lps [serve] [--host H] [--port P] [--database-url URL] [--tls-cert F --tls-key F] [--log-level L]`;

async function serve(args: string[]): Promise<void> {
  const config = loadConfig(process.env, args);
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, logger);
  process.stdout.write(banner(app));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await app.close();
    logger.info("stopped");
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

function banner(app: App): string {
  const { url } = app;
  const target = `${app.address.address === "::" ? "localhost" : app.address.address}:${app.address.port}`;
  const plaintext = url.startsWith("https") ? "" : "-plaintext ";
  return `
Login Policy Service is listening on ${url} (gRPC, gRPC-Web, Connect).

Read the default login policy:
  curl -s -X POST ${url}/zitadel.admin.v1.AdminService/GetLoginPolicy -H 'content-type: application/json' -d '{}'
  grpcurl ${plaintext}-import-path proto -proto zitadel/admin/v1/admin.proto -d '{}' ${target} zitadel.admin.v1.AdminService/GetLoginPolicy

`;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv[0]?.startsWith("-") || argv.length === 0 ? ["serve", ...argv] : argv;
  switch (command) {
    case "serve":
      return serve(args);
    case "help":
    case "--help":
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new ConfigError([`unknown command "${command}"; ${USAGE}`]);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`lps: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
