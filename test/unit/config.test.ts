import { describe, expect, it } from "@jest/globals";
import { ConfigError, loadConfig } from "../../src/config.js";

function problemsOf(env: Record<string, string>, args: string[] = []): readonly string[] {
  try {
    loadConfig(env, args);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("defaults to SQLite under ./data on 127.0.0.1:8080 with ZITADEL's default factors", () => {
    const config = loadConfig({}, []);
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      database: { engine: "sqlite", path: "./data/lps.db" },
      logLevel: "info",
      maxRequestBytes: 1024 * 1024,
      tls: undefined,
      setup: { factors: { second: ["otp", "u2f"], multi: ["u2f_with_verification"] } },
    });
  });

  it("takes flags over environment variables over defaults", () => {
    const config = loadConfig({ LPS_PORT: "9000", LPS_HOST: "0.0.0.0" }, ["--port", "9100"]);
    expect(config.port).toBe(9100);
    expect(config.host).toBe("0.0.0.0");
  });

  it("reads factor lists in either spelling, and an empty list as none", () => {
    const config = loadConfig(
      { LPS_DEFAULT_SECOND_FACTORS: "SECOND_FACTOR_TYPE_OTP_SMS, otp_email", LPS_DEFAULT_MULTI_FACTORS: "" },
      [],
    );
    expect(config.setup.factors).toEqual({ second: ["otp_sms", "otp_email"], multi: [] });
  });

  it("reports every problem at once, naming the variable and flag", () => {
    const problems = problemsOf({
      LPS_PORT: "http",
      LPS_LOG_LEVEL: "loud",
      LPS_DATABASE_URL: "mysql://x",
      LPS_TLS_CERT: "/cert.pem",
      LPS_DEFAULT_SECOND_FACTORS: "otp,sms",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^LPS_PORT \(--port\): must be a whole number from 0 to 65535, got "http"/),
      expect.stringMatching(/^LPS_DATABASE_URL \(--database-url\): must be sqlite:/),
      expect.stringMatching(/^LPS_LOG_LEVEL \(--log-level\): must be one of fatal, error/),
      expect.stringMatching(/^LPS_TLS_KEY \(--tls-key\): TLS needs both a certificate and a key/),
      expect.stringMatching(/^LPS_DEFAULT_SECOND_FACTORS: unknown factor "sms"/),
    ]);
  });

  it("selects PostgreSQL by a postgres:// or postgresql:// URL, with its pool size and start-up wait", () => {
    expect(loadConfig({ LPS_DATABASE_URL: "postgres://lps:secret@db:5432/lps" }, []).database).toEqual({
      engine: "postgres",
      url: "postgres://lps:secret@db:5432/lps",
      poolSize: 10,
      startupWaitMs: 60000,
    });
    const config = loadConfig(
      { LPS_DATABASE_POOL_SIZE: "25", LPS_DATABASE_STARTUP_WAIT_MS: "0" },
      ["--database-url", "postgresql:///lps?host=/run/postgresql"],
    );
    expect(config.database).toEqual({ engine: "postgres", url: "postgresql:///lps?host=/run/postgresql", poolSize: 25, startupWaitMs: 0 });
  });

  it("refuses a pool of no connections, and never repeats a password back", () => {
    expect(
      problemsOf({ LPS_DATABASE_URL: "postgress://lps:secret@db/lps", LPS_DATABASE_POOL_SIZE: "0", LPS_DATABASE_STARTUP_WAIT_MS: "soon" }),
    ).toEqual([
      'LPS_DATABASE_URL (--database-url): must be sqlite:<file path> or postgres://user:password@host:port/database, got "postgress://lps:***@db/lps"',
      'LPS_DATABASE_POOL_SIZE: must be a whole number from 1 to 1000, got "0"',
      'LPS_DATABASE_STARTUP_WAIT_MS: must be a whole number from 0 to 86400000, got "soon"',
    ]);
  });

  it("keeps 10,000 documents in memory unless LPS_CACHED_DOCUMENTS says otherwise, none with 0", () => {
    expect(loadConfig({}, []).cachedDocuments).toBe(10_000);
    expect(loadConfig({ LPS_CACHED_DOCUMENTS: "0" }, []).cachedDocuments).toBe(0);
    expect(problemsOf({ LPS_CACHED_DOCUMENTS: "lots" })).toEqual([
      'LPS_CACHED_DOCUMENTS: must be a whole number from 0 to 10000000, got "lots"',
    ]);
  });

  it("holds up to 16 MiB of unwritten log lines unless LPS_LOG_HELD_BYTES says otherwise, never under 128 KiB", () => {
    expect(loadConfig({}, []).logHeldBytes).toBe(16 * 1024 * 1024);
    expect(loadConfig({ LPS_LOG_HELD_BYTES: "131072" }, []).logHeldBytes).toBe(128 * 1024);
    expect(problemsOf({ LPS_LOG_HELD_BYTES: "4096" })).toEqual([
      'LPS_LOG_HELD_BYTES: must be a whole number from 131072 to 1073741824, got "4096"',
    ]);
  });

  it("refuses unknown flags", () => {
    expect(problemsOf({}, ["--prot", "1"])).toEqual([expect.stringContaining("--prot")]);
  });

  it("admits no browser origin by default, and checks the database every 5 seconds", () => {
    expect(loadConfig({}, [])).toMatchObject({ corsOrigins: [], databaseCheckIntervalMs: 5000 });
  });

  it("reads CORS origins as browsers send them: lower case, without default port or trailing slash", () => {
    const config = loadConfig({ LPS_CORS_ORIGINS: " HTTPS://Console.Example.com:443/ , http://localhost:3000,," }, []);
    expect(config.corsOrigins).toEqual(["https://console.example.com", "http://localhost:3000"]);
    expect(loadConfig({ LPS_CORS_ORIGINS: "*" }, []).corsOrigins).toEqual(["*"]);
  });

  it("refuses CORS entries that are not origins, and * among others", () => {
    expect(problemsOf({ LPS_CORS_ORIGINS: "https://a.example.com/app,null,ftp://files.example.com,https://user@b.example.com,console.example.com" })).toEqual(
      ["https://a.example.com/app", "null", "ftp://files.example.com", "https://user@b.example.com", "console.example.com"].map(
        (entry) => `LPS_CORS_ORIGINS: "${entry}" is not an origin: write scheme://host[:port], e.g. https://console.example.com`,
      ),
    );
    expect(problemsOf({ LPS_CORS_ORIGINS: "*, https://console.example.com" })).toEqual([
      'LPS_CORS_ORIGINS: "*" admits every origin and stands alone, got "*, https://console.example.com"',
    ]);
  });
});

describe("a JWKS URL", () => {
  const jwt = (url: string) => ({ LPS_JWT_ISSUER: "https://issuer.example.com", LPS_JWT_AUDIENCE: "lps", LPS_JWKS_URL: url });

  it("may be plain http only when its host is a loopback address", () => {
    for (const url of ["http://127.0.0.1:9000/jwks", "http://127.8.9.10/jwks", "http://[::1]:9000/jwks", "http://localhost/jwks", "https://issuer.example.com/jwks"]) {
      expect(loadConfig(jwt(url), []).jwt?.jwks).toEqual({ url });
    }
  });

  it("is refused as plain http when its host merely looks like one", () => {
    for (const url of ["http://127.evil.example/jwks", "http://127.0.0.1.evil.example/jwks", "http://[::2]/jwks", "http://10.0.0.1/jwks"]) {
      expect(() => loadConfig(jwt(url), [])).toThrow(/LPS_JWKS_URL: must be an https URL/);
    }
  });
});

describe("the deadline cap", () => {
  it("is five minutes unless LPS_MAX_DEADLINE_MS says otherwise, and at most a day", () => {
    expect(loadConfig({}, []).maxDeadlineMs).toBe(300_000);
    expect(loadConfig({ LPS_MAX_DEADLINE_MS: "1000" }, []).maxDeadlineMs).toBe(1000);
    expect(() => loadConfig({ LPS_MAX_DEADLINE_MS: "86400001" }, [])).toThrow(/LPS_MAX_DEADLINE_MS/);
    expect(() => loadConfig({ LPS_MAX_DEADLINE_MS: "0" }, [])).toThrow(/LPS_MAX_DEADLINE_MS/);
  });
});
