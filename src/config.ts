/**
 * One typed, validated configuration from command-line flags, then LPS_* environment
 * variables, then defaults. Every problem is reported at once, in words an operator can act
 * on, before anything starts.
 */
import { parseArgs } from "node:util";
import type { DatabaseConfig } from "./eventstore/open.js";
import type { RateLimitSettings } from "./access/rate-limits.js";
import { isMultiFactor, isSecondFactor, type MultiFactor, type SecondFactor } from "./domain/factors.js";
import { DEFAULT_FACTORS, type LoginPolicyFactors } from "./domain/login-policy.js";
import type { JwtSettings } from "./identity/jwt-verifier.js";
import { LOG_LEVELS, type LogLevel } from "./logger.js";
import { DEFAULT_LOG_HELD_BYTES } from "./log-output.js";
import { isLoopback } from "./net/loopback-address.js";

/** Asymmetric algorithms only: an issuer publishes public keys, never shared secrets. */
export const JWT_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
  /** Paths of a PEM certificate and key; with them the port speaks TLS only. */
  readonly tls?: { readonly certPath: string; readonly keyPath: string };
  readonly logLevel: LogLevel;
  /** Log bytes held at most while stdout takes none; past it, lines are dropped and counted. */
  readonly logHeldBytes: number;
  /** Request messages above this size are refused with ResourceExhausted. */
  readonly maxRequestBytes: number;
  /** How long shutdown waits for calls in flight. */
  readonly shutdownGraceMs: number;
  /** What one client may hold of the port: time, connections, streams. */
  readonly connectionLimits: ConnectionLimits;
  /** Calls a client may make, per second, before ResourceExhausted. */
  readonly rateLimits: RateLimitSettings;
  /** The longest deadline a call may ask for (grpc-timeout, connect-timeout-ms); longer ones are shortened to it. */
  readonly maxDeadlineMs: number;
  /** Where a first start writes the admin user's personal access token (mode 0600). */
  readonly adminPatPath: string;
  /** A JSON file that replaces the default role → permission table. */
  readonly rolesFile?: string;
  /** Accepting JWT access tokens of an external OpenID Connect issuer, when configured. */
  readonly jwt?: JwtSettings;
  /** How often readiness asks the database to answer; a slower answer counts as none. */
  readonly databaseCheckIntervalMs: number;
  /** Documents (tokens, memberships, organizations, policies) each process keeps in memory at most. */
  readonly cachedDocuments: number;
  /** Origins whose browser apps may call the service (CORS): exact origins, or ["*"] for any. */
  readonly corsOrigins: readonly string[];
  /** Who may read GET /metrics: nobody (not served), anyone, or holders of a token whose role grants iam.metrics.read. */
  readonly metrics: MetricsAccess;
  /** How many replicas share the database; `lps doctor` checks its connections against them. */
  readonly replicas: number;
  /** Login-policy watch streams. */
  readonly watch: WatchSettings;
  /** What a first start on an empty database creates. */
  readonly setup: {
    readonly instanceName: string;
    readonly firstOrgName: string;
    readonly factors: LoginPolicyFactors;
  };
}

/** Limits on connections and streams, each with a safe default (see SETTINGS). */
export interface ConnectionLimits {
  /** A new connection's first bytes, and each request's headers, must arrive within this. */
  readonly headersTimeoutMs: number;
  /** A request, body included, must arrive whole within this. */
  readonly requestTimeoutMs: number;
  /** A connection with no request in progress is closed after this. */
  readonly idleTimeoutMs: number;
  /**
   * Open connections at most; at the cap, the one with no call in progress for the longest
   * makes room (see ConnectionSlots).
   */
  readonly maxConnections: number;
  /**
   * Open connections one client address may hold, 0 for no cap of its own; at the cap, room
   * is made among its own connections as for maxConnections. So that one address cannot take
   * every place with calls it keeps open.
   */
  readonly maxConnectionsPerAddress: number;
  /** Streams one HTTP/2 connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS). */
  readonly maxConcurrentStreams: number;
  /** Server-streaming calls (health Watch, reflection) open at once in the process. */
  readonly maxStreamingCalls: number;
  /** Streams one client address may reset before their answer, per minute, before it is cut off for a minute. */
  readonly maxResetsPerMinute: number;
  /**
   * Bytes one HTTP/2 connection may send in a second. Frames that are no request (PING
   * answered, WINDOW_UPDATE, PRIORITY) pass no rate limit, and a flood of them keeps a core
   * busy; a connection over this is closed.
   */
  readonly maxConnectionBytesPerSecond: number;
  /**
   * How often a connection with a call in progress shows proxies it is alive: an HTTP/2
   * PING, or a comment line on a server-sent event stream.
   */
  readonly keepaliveMs: number;
}

export interface WatchSettings {
  /** Login-policy watch streams open at once in the process; more are ResourceExhausted. */
  readonly maxWatchers: number;
  /** How often a quiet watch stream checks its caller's access and reads the policy again. */
  readonly recheckMs: number;
}
export const METRICS_ACCESS = ["off", "open", "token"] as const;
export type MetricsAccess = (typeof METRICS_ACCESS)[number];

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

interface Setting {
  readonly env: string;
  /** The command-line flag, for the settings one changes per run. */
  readonly flag?: string;
  readonly fallback: string;
  readonly help: string;
}

/** Every setting, its variable, its flag and its default: the README's table comes from here. */
export const SETTINGS = {
  host: { env: "LPS_HOST", flag: "host", fallback: "127.0.0.1", help: "address to listen on" },
  port: { env: "LPS_PORT", flag: "port", fallback: "8080", help: "port for every protocol (0 picks a free one)" },
  databaseUrl: {
    env: "LPS_DATABASE_URL",
    flag: "database-url",
    fallback: "sqlite:./data/lps.db",
    help: "sqlite:<file path>, or postgres://user:password@host:port/database",
  },
  databasePoolSize: { env: "LPS_DATABASE_POOL_SIZE", fallback: "10", help: "PostgreSQL connections per process, at most" },
  databaseStartupWaitMs: {
    env: "LPS_DATABASE_STARTUP_WAIT_MS",
    fallback: "60000",
    help: "how long a start waits for PostgreSQL to become reachable",
  },
  cachedDocuments: {
    env: "LPS_CACHED_DOCUMENTS",
    fallback: "10000",
    help: "documents (tokens, memberships, organizations, policies) kept in memory, least recently used out first; 0 for none",
  },
  tlsCert: { env: "LPS_TLS_CERT", flag: "tls-cert", fallback: "", help: "PEM certificate file; enables TLS with LPS_TLS_KEY" },
  tlsKey: { env: "LPS_TLS_KEY", flag: "tls-key", fallback: "", help: "PEM private key file" },
  logLevel: { env: "LPS_LOG_LEVEL", flag: "log-level", fallback: "info", help: LOG_LEVELS.join(", ") },
  logHeldBytes: {
    env: "LPS_LOG_HELD_BYTES",
    fallback: String(DEFAULT_LOG_HELD_BYTES),
    help: "log bytes held while stdout is not read; past it, lines are dropped and counted",
  },
  maxRequestBytes: { env: "LPS_MAX_REQUEST_BYTES", fallback: String(1024 * 1024), help: "largest request message accepted" },
  shutdownGraceMs: { env: "LPS_SHUTDOWN_GRACE_MS", fallback: "10000", help: "how long shutdown waits for calls in flight" },
  headersTimeoutMs: {
    env: "LPS_HEADERS_TIMEOUT_MS",
    fallback: "10000",
    help: "time a client has to send a request's headers (a new connection: its first request)",
  },
  requestTimeoutMs: { env: "LPS_REQUEST_TIMEOUT_MS", fallback: "30000", help: "time a client has to send a whole request, body included" },
  idleTimeoutMs: { env: "LPS_IDLE_TIMEOUT_MS", fallback: "120000", help: "a connection with no call in progress is closed after this" },
  maxConnections: {
    env: "LPS_MAX_CONNECTIONS",
    fallback: "1000",
    help: "open connections at most; at the cap the one with no call in progress for the longest is closed to make room",
  },
  maxConnectionsPerAddress: {
    env: "LPS_MAX_CONNECTIONS_PER_ADDRESS",
    fallback: "100",
    help: "open connections one client address may hold; 0 for no cap of its own, e.g. behind a proxy",
  },
  maxConcurrentStreams: { env: "LPS_MAX_CONCURRENT_STREAMS", fallback: "100", help: "streams one HTTP/2 connection may have open at once" },
  maxStreamingCalls: {
    env: "LPS_MAX_STREAMING_CALLS",
    fallback: "500",
    help: "streaming calls (health Watch, reflection) open at once; more are ResourceExhausted",
  },
  maxWatchers: {
    env: "LPS_MAX_WATCHERS",
    fallback: "5000",
    help: "login-policy watch streams open at once; more are ResourceExhausted",
  },
  watchRecheckMs: {
    env: "LPS_WATCH_RECHECK_MS",
    fallback: "30000",
    help: "how often a quiet watch stream checks its caller's token and permission, and reads the policy again",
  },
  keepaliveMs: {
    env: "LPS_KEEPALIVE_MS",
    fallback: "30000",
    help: "how often an HTTP/2 connection with a call in progress gets a PING, and an event stream a comment line",
  },
  maxResetsPerMinute: {
    env: "LPS_MAX_RESETS_PER_MINUTE",
    fallback: "600",
    help: "streams a client address may cancel before their answer per minute; more closes its connections for a minute",
  },
  maxConnectionBytesPerSecond: {
    env: "LPS_MAX_CONNECTION_BYTES_PER_SECOND",
    fallback: String(16 * 1024 * 1024),
    help: "bytes one HTTP/2 connection may send in a second; more closes it (a flood of frames that are no calls)",
  },
  rateLimitPerAddress: {
    env: "LPS_RATE_LIMIT_PER_ADDRESS",
    fallback: "2000",
    help: "calls per second from one client address (burst: twice that); 0 for none, e.g. behind a proxy",
  },
  rateLimitPerCaller: { env: "LPS_RATE_LIMIT_PER_CALLER", fallback: "2000", help: "calls per second by one authenticated user (burst: twice that); 0 for none" },
  rateLimitAuthFailures: {
    env: "LPS_RATE_LIMIT_AUTH_FAILURES",
    fallback: "60",
    help: "failed authentications per minute from one client address (burst: as many); 0 for no limit",
  },
  maxDeadlineMs: {
    env: "LPS_MAX_DEADLINE_MS",
    fallback: "300000",
    help: "longest deadline a call may ask for (grpc-timeout, connect-timeout-ms); longer ones are shortened to it",
  },
  databaseCheckIntervalMs: {
    env: "LPS_DATABASE_CHECK_INTERVAL_MS",
    fallback: "5000",
    help: "how often readiness checks that the database answers; a slower answer counts as none",
  },
  corsOrigins: {
    env: "LPS_CORS_ORIGINS",
    fallback: "",
    help: "origins whose browser apps may call the service, comma-separated; * for any",
  },
  instanceName: { env: "LPS_INSTANCE_NAME", fallback: "Login Policy Service", help: "name of the instance created on first start" },
  firstOrgName: { env: "LPS_FIRST_ORG_NAME", fallback: "Default", help: "name of the organization created on first start" },
  defaultSecondFactors: {
    env: "LPS_DEFAULT_SECOND_FACTORS",
    fallback: DEFAULT_FACTORS.second.join(","),
    help: "second factors of a new instance's default policy: otp, u2f, otp_email, otp_sms",
  },
  adminPatPath: {
    env: "LPS_ADMIN_PAT_PATH",
    fallback: "./data/admin.pat",
    help: "where a first start writes the admin user's personal access token",
  },
  rolesFile: { env: "LPS_ROLES_FILE", fallback: "", help: "JSON file replacing the role → permission table" },
  jwtIssuer: { env: "LPS_JWT_ISSUER", fallback: "", help: "issuer (iss) of accepted JWT access tokens; enables JWTs" },
  jwtAudience: { env: "LPS_JWT_AUDIENCE", fallback: "", help: "audience (aud) accepted JWTs must name" },
  jwksUrl: { env: "LPS_JWKS_URL", fallback: "", help: "the issuer's JWKS URL (https; http only on loopback)" },
  jwksFile: { env: "LPS_JWKS_FILE", fallback: "", help: "a JWKS file, instead of LPS_JWKS_URL" },
  jwtAlgorithms: { env: "LPS_JWT_ALGORITHMS", fallback: "RS256,PS256,ES256,EdDSA", help: "accepted JWT signing algorithms" },
  defaultMultiFactors: {
    env: "LPS_DEFAULT_MULTI_FACTORS",
    fallback: DEFAULT_FACTORS.multi.join(","),
    help: "multi-factors of a new instance's default policy: u2f_with_verification",
  },
  metrics: {
    env: "LPS_METRICS",
    fallback: "token",
    help: "GET /metrics: off, open (no token), or token (a role granting iam.metrics.read)",
  },
  replicas: { env: "LPS_REPLICAS", fallback: "1", help: "replicas sharing the database, for lps doctor's connection check" },
} as const satisfies Record<string, Setting>;

type SettingName = keyof typeof SETTINGS;

export function loadConfig(env: NodeJS.ProcessEnv, args: readonly string[]): Config {
  const flags = parseFlags(args);
  const raw = (name: SettingName): string => {
    const setting: Setting = SETTINGS[name];
    return (setting.flag && flags[setting.flag]) ?? env[setting.env] ?? setting.fallback;
  };
  const problems: string[] = [];
  const problem = (name: SettingName, text: string) => {
    const setting: Setting = SETTINGS[name];
    problems.push(`${setting.env}${setting.flag ? ` (--${setting.flag})` : ""}: ${text}`);
  };
  const integer = (name: SettingName, min: number, max: number): number => {
    const text = raw(name);
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) problem(name, `must be a whole number from ${min} to ${max}, got "${text}"`);
    return value;
  };

  const port = integer("port", 0, 65535);
  const location = parseDatabaseUrl(raw("databaseUrl"), (text) => problem("databaseUrl", text));
  const poolSize = integer("databasePoolSize", 1, 1000);
  const startupWaitMs = integer("databaseStartupWaitMs", 0, 24 * 60 * 60 * 1000);
  const database: DatabaseConfig = location.engine === "postgres" ? { ...location, poolSize, startupWaitMs } : location;
  const logLevel = raw("logLevel") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problem("logLevel", `must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  const certPath = raw("tlsCert");
  const keyPath = raw("tlsKey");
  if (Boolean(certPath) !== Boolean(keyPath)) problem(certPath ? "tlsKey" : "tlsCert", "TLS needs both a certificate and a key");
  const secondFactors = parseList(raw("defaultSecondFactors"), isSecondFactor, "SECOND_FACTOR_TYPE_", (text) =>
    problem("defaultSecondFactors", text),
  );
  const multiFactors = parseList(raw("defaultMultiFactors"), isMultiFactor, "MULTI_FACTOR_TYPE_", (text) =>
    problem("defaultMultiFactors", text),
  );
  const jwt = parseJwt(raw, problem);
  const metrics = raw("metrics") as MetricsAccess;
  if (!METRICS_ACCESS.includes(metrics)) problem("metrics", `must be one of ${METRICS_ACCESS.join(", ")}, got "${metrics}"`);
  const config: Config = {
    host: raw("host"),
    port,
    database,
    tls: certPath && keyPath ? { certPath, keyPath } : undefined,
    logLevel,
    logHeldBytes: integer("logHeldBytes", 128 * 1024, 1024 * 1024 * 1024),
    maxRequestBytes: integer("maxRequestBytes", 1024, 64 * 1024 * 1024),
    shutdownGraceMs: integer("shutdownGraceMs", 0, 10 * 60 * 1000),
    connectionLimits: {
      headersTimeoutMs: integer("headersTimeoutMs", 100, 10 * 60 * 1000),
      requestTimeoutMs: integer("requestTimeoutMs", 100, 60 * 60 * 1000),
      idleTimeoutMs: integer("idleTimeoutMs", 100, 24 * 60 * 60 * 1000),
      maxConnections: integer("maxConnections", 1, 1_000_000),
      maxConnectionsPerAddress: integer("maxConnectionsPerAddress", 0, 1_000_000),
      maxConcurrentStreams: integer("maxConcurrentStreams", 1, 10_000),
      maxStreamingCalls: integer("maxStreamingCalls", 1, 1_000_000),
      maxResetsPerMinute: integer("maxResetsPerMinute", 1, 1_000_000),
      maxConnectionBytesPerSecond: integer("maxConnectionBytesPerSecond", 1024 * 1024, 1024 ** 4),
      keepaliveMs: integer("keepaliveMs", 100, 60 * 60 * 1000),
    },
    rateLimits: {
      perAddress: integer("rateLimitPerAddress", 0, 1_000_000),
      perCaller: integer("rateLimitPerCaller", 0, 1_000_000),
      authFailuresPerMinute: integer("rateLimitAuthFailures", 0, 1_000_000),
    },
    // A day at most: it fits grpc-timeout's eight digits of milliseconds, and a timer.
    maxDeadlineMs: integer("maxDeadlineMs", 1, 24 * 60 * 60 * 1000),
    adminPatPath: raw("adminPatPath"),
    rolesFile: raw("rolesFile") || undefined,
    jwt,
    databaseCheckIntervalMs: integer("databaseCheckIntervalMs", 10, 10 * 60 * 1000),
    cachedDocuments: integer("cachedDocuments", 0, 10_000_000),
    corsOrigins: parseOrigins(raw("corsOrigins"), (text) => problem("corsOrigins", text)),
    metrics,
    replicas: integer("replicas", 1, 1000),
    watch: {
      maxWatchers: integer("maxWatchers", 1, 1_000_000),
      recheckMs: integer("watchRecheckMs", 100, 24 * 60 * 60 * 1000),
    },
    setup: {
      instanceName: raw("instanceName"),
      firstOrgName: raw("firstOrgName"),
      factors: { second: secondFactors as SecondFactor[], multi: multiFactors as MultiFactor[] },
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function parseFlags(args: readonly string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(
    Object.values(SETTINGS as Record<string, Setting>)
      .filter((s) => s.flag)
      .map((s) => [s.flag!, { type: "string" as const }]),
  );
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
}

function parseJwt(
  raw: (name: SettingName) => string,
  problem: (name: SettingName, text: string) => void,
): JwtSettings | undefined {
  const [issuer, audience, url, file] = [raw("jwtIssuer"), raw("jwtAudience"), raw("jwksUrl"), raw("jwksFile")];
  if (!issuer && !audience && !url && !file) return undefined;
  if (!issuer) problem("jwtIssuer", "accepting JWTs needs the issuer they come from");
  if (!audience) problem("jwtAudience", "accepting JWTs needs the audience they must name");
  if (Boolean(url) === Boolean(file)) problem("jwksUrl", "give either LPS_JWKS_URL or LPS_JWKS_FILE");
  if (url) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    const loopback = parsed?.protocol === "http:" && (parsed.hostname === "localhost" || isLoopback(parsed.hostname.replace(/^\[|\]$/g, "")));
    if (parsed?.protocol !== "https:" && !loopback) problem("jwksUrl", `must be an https URL, got "${url}"`);
  }
  const algorithms = raw("jwtAlgorithms").split(",").map((a) => a.trim()).filter(Boolean);
  const unknown = algorithms.filter((a) => !JWT_ALGORITHMS.includes(a));
  if (algorithms.length === 0 || unknown.length > 0) {
    problem("jwtAlgorithms", `must list some of ${JWT_ALGORITHMS.join(", ")}${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}`);
  }
  return { issuer, audience, algorithms, jwks: url ? { url } : { file } };
}

type DatabaseLocation = { readonly engine: "sqlite"; readonly path: string } | { readonly engine: "postgres"; readonly url: string };

function parseDatabaseUrl(url: string, problem: (text: string) => void): DatabaseLocation {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length);
    if (path) return { engine: "sqlite", path };
  }
  if (/^postgres(ql)?:\/\//.test(url) && URL.canParse(url)) return { engine: "postgres", url };
  problem(`must be sqlite:<file path> or postgres://user:password@host:port/database, got "${withoutPassword(url)}"`);
  return { engine: "sqlite", path: "" };
}

/** Browser origins as a browser sends them (scheme://host[:port]), or "*" alone for any. */
function parseOrigins(text: string, problem: (text: string) => void): string[] {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.includes("*")) {
    if (entries.length > 1) problem(`"*" admits every origin and stands alone, got "${text}"`);
    return ["*"];
  }
  const origins: string[] = [];
  for (const entry of entries) {
    const origin = originOf(entry);
    if (origin) origins.push(origin);
    else problem(`"${entry}" is not an origin: write scheme://host[:port], e.g. https://console.example.com`);
  }
  return origins;
}

/** The origin a browser would send for a page there (lower case, no default port), if it is one. */
function originOf(entry: string): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return undefined;
  }
  const isWebScheme = url.protocol === "http:" || url.protocol === "https:";
  // Nothing may follow the host and port: no path, query, fragment or user.
  return isWebScheme && url.href === `${url.origin}/` ? url.origin : undefined;
}

/** A URL as it may be shown in messages and logs: its password replaced. */
function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, "$1:***@");
}

/** A comma-separated list of names, lower or upper case, with or without the enum prefix. */
function parseList(text: string, valid: (name: string) => boolean, prefix: string, problem: (text: string) => void): string[] {
  const names = text
    .split(",")
    .map((name) => name.trim().toLowerCase().replace(prefix.toLowerCase(), ""))
    .filter((name) => name !== "");
  const unknown = names.filter((name) => !valid(name));
  if (unknown.length > 0) problem(`unknown factor ${unknown.map((n) => `"${n}"`).join(", ")}`);
  if (new Set(names).size !== names.length) problem("a factor is listed twice");
  return names;
}
