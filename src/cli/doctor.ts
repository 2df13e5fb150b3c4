/**
 * `lps doctor`: checks what the service needs from its surroundings before and while it
 * runs (the configuration, the database, TLS files, the JWT issuer's keys, the admin token
 * file) and says in plain words what is wrong and how to fix it. It changes nothing.
 *
 * Exit codes, as the other commands: 0 nothing wrong (warnings may be printed), 2 a usage or
 * configuration mistake, 3 a check found a fault.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, SETTINGS, type Config } from "../config.js";
import { checkAdminToken } from "./doctor-admin-token.js";
import { fault, ok, type Finding } from "./doctor-finding.js";
import { checkJwt } from "./doctor-jwt.js";
import { checkPostgres } from "./doctor-postgres.js";
import { checkSqlite } from "./doctor-sqlite.js";
import { checkTls } from "./doctor-tls.js";
import { UsageError } from "./operator-command.js";
import { EXIT_REFUSED } from "./run-operator-command.js";

export const DOCTOR_USAGE = "lps doctor [--replicas N] [--database-url URL] [--tls-cert F --tls-key F] [--json]";
const EXIT_CONFIGURATION = 2;

export async function runDoctor(argv: readonly string[]): Promise<number> {
  const { json, replicas, configArgs } = parse(argv);
  let findings: Finding[];
  let exitCode: number;
  try {
    const env = replicas === undefined ? process.env : { ...process.env, [SETTINGS.replicas.env]: replicas };
    const config = loadConfig(env, configArgs);
    findings = [ok("configuration", "valid"), ...(await examine(config))];
    exitCode = findings.some((f) => f.verdict === "fault") ? EXIT_REFUSED : 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    findings = error.problems.map((problem) => fault("configuration", problem, "fix the setting; `lps help` and the README list them all"));
    exitCode = EXIT_CONFIGURATION;
  }
  process.stdout.write(json ? `${JSON.stringify({ healthy: exitCode === 0, findings }, null, 2)}\n` : report(findings));
  return exitCode;
}

async function examine(config: Config): Promise<Finding[]> {
  const { database } = config;
  const databaseFindings =
    database.engine === "sqlite"
      ? checkSqlite(database.path)
      : await checkPostgres({ url: database.url, poolSize: database.poolSize, replicas: config.replicas });
  return [...databaseFindings, ...checkTls(config.tls), ...(await checkJwt(config.jwt)), ...checkAdminToken(config.adminPatPath)];
}

function report(findings: readonly Finding[]): string {
  const faults = findings.filter((f) => f.verdict === "fault").length;
  const warnings = findings.filter((f) => f.verdict === "warning").length;
  const lines = findings.map((f) => {
    const line = `${f.verdict.toUpperCase().padEnd(8)} ${f.area.padEnd(14)} ${f.summary}`;
    return f.fix ? `${line}\n${" ".repeat(24)}fix: ${f.fix}` : line;
  });
  const verdict = faults === 0 && warnings === 0 ? "nothing wrong found" : `${faults} fault(s), ${warnings} warning(s)`;
  return `${lines.join("\n")}\n\nlps doctor: ${verdict}\n`;
}

function parse(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        json: { type: "boolean" },
        replicas: { type: "string" },
        "database-url": { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${DOCTOR_USAGE}`);
  }
  const { json, replicas, ...flags } = parsed.values;
  const configArgs = Object.entries(flags).flatMap(([name, value]) => (value === undefined ? [] : [`--${name}`, value as string]));
  return { json: json === true, replicas, configArgs };
}
