/**
 * `lps doctor` run as operators run it (a process, on the configured files and database):
 * for each fault it claims to find, the fault is made for real and the doctor must report
 * it, with a fix, and exit 3; a sound setup exits 0. PostgreSQL's own checks are in
 * test/postgres/doctor.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { exportJWK, generateKeyPair } from "jose";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { checkTls } from "../../src/cli/doctor-tls.js";
import type { Finding } from "../../src/cli/doctor-finding.js";
import { freePort } from "../support/free-port.js";
import { keySet, signingKey } from "../support/jwt-issuer.js";
import { serveJwks, type JwksServer } from "../support/jwks-server.js";
import { runCli } from "../support/server-process.js";
import { openStore } from "../support/test-database.js";
import { selfSignedCertificate, type Certificate } from "../support/tls-certificate.js";

interface Diagnosis {
  readonly code: number | string | null;
  readonly healthy: boolean;
  readonly findings: Finding[];
}

/** A migrated SQLite database, made by the service's own store. */
async function migratedDatabase(): Promise<string> {
  const path = join(tempDir(), "lps.db");
  await (await openStore(`sqlite:${path}`)).close();
  return path;
}

let database: string;
let dir: string;
let tls: Certificate;

beforeAll(async () => {
  database = await migratedDatabase();
  dir = tempDir();
  tls = selfSignedCertificate();
});

afterAll(removeTempDirs);

async function doctor(env: Record<string, string> = {}, ...args: string[]): Promise<Diagnosis> {
  const result = await runCli(["doctor", "--json", ...args], {
    LPS_DATABASE_URL: `sqlite:${database}`,
    LPS_ADMIN_PAT_PATH: join(dir, "no-such.pat"),
    ...env,
  });
  const output = JSON.parse(result.stdout) as { healthy: boolean; findings: Finding[] };
  return { code: result.code, ...output };
}

function faults(diagnosis: Diagnosis, area: string): Finding[] {
  return diagnosis.findings.filter((f) => f.area === area && f.verdict === "fault");
}

function expectFault(diagnosis: Diagnosis, area: string, summary: RegExp): void {
  expect(diagnosis.code).toBe(3);
  expect(diagnosis.healthy).toBe(false);
  expect(faults(diagnosis, area)).toEqual([expect.objectContaining({ summary: expect.stringMatching(summary), fix: expect.any(String) })]);
}

it("finds nothing wrong with a sound setup, and says what it looked at", async () => {
  const diagnosis = await doctor();
  expect(diagnosis).toMatchObject({ code: 0, healthy: true });
  expect(diagnosis.findings.every((f) => f.verdict === "ok")).toBe(true);
  const summaries = diagnosis.findings.map((f) => f.summary).join("\n");
  expect(summaries).toMatch(/migrated \(schema version \d+\)/);
  expect(summaries).toMatch(/journal mode WAL/);
  expect(summaries).toMatch(/writable/);
  expect(summaries).toMatch(/SQLite \d+\.\d+/);
});

it("prints plain words without --json, and the same exit code", async () => {
  const bad = join(tempDir(), "lps.db");
  copyFileSync(database, bad);
  chmodSync(bad, 0o644);
  const result = await runCli(["doctor"], { LPS_DATABASE_URL: `sqlite:${bad}`, LPS_ADMIN_PAT_PATH: join(dir, "none") });
  expect(result.code).toBe(3);
  expect(result.stdout).toMatch(/^FAULT +database +.*mode 0644: other users can read/m);
  expect(result.stdout).toMatch(/fix: chmod 600/);
  expect(result.stdout).toMatch(/lps doctor: 1 fault\(s\), 0 warning\(s\)/);
});

describe("configuration", () => {
  it("an invalid setting is a configuration mistake: exit 2, naming the setting", async () => {
    const diagnosis = await doctor({ LPS_METRICS: "sometimes" });
    expect(diagnosis.code).toBe(2);
    expect(faults(diagnosis, "configuration")).toEqual([expect.objectContaining({ summary: expect.stringMatching(/^LPS_METRICS: must be one of/) })]);
  });

  it("an unknown flag is a usage mistake: exit 2", async () => {
    const result = await runCli(["doctor", "--frobnicate"], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: lps doctor/);
  });
});

describe("SQLite", () => {
  it("a database file others can read", async () => {
    const path = await migratedDatabase();
    chmodSync(path, 0o640);
    expectFault(await doctor({ LPS_DATABASE_URL: `sqlite:${path}` }), "database", /mode 0640/);
  });

  it("a file with no tables of this service", async () => {
    const path = join(tempDir(), "other.db");
    new Database(path).exec("CREATE TABLE something (x)").close();
    chmodSync(path, 0o600);
    expectFault(await doctor({ LPS_DATABASE_URL: `sqlite:${path}` }), "database", /no tables of this service/);
  });

  it("a schema a newer release has upgraded", async () => {
    const path = await migratedDatabase();
    new Database(path).prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'now')").run();
    expectFault(await doctor({ LPS_DATABASE_URL: `sqlite:${path}` }), "database", /version 999, newer than this release knows/);
  });

  it("a write transaction another process keeps open", async () => {
    const path = await migratedDatabase();
    const holder = new Database(path);
    holder.exec("BEGIN IMMEDIATE");
    try {
      expectFault(await doctor({ LPS_DATABASE_URL: `sqlite:${path}` }), "database", /another process holds one open/);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
  });

  it("a file not in WAL mode is a warning: it works, slower", async () => {
    const path = await migratedDatabase();
    new Database(path).pragma("journal_mode = DELETE");
    const diagnosis = await doctor({ LPS_DATABASE_URL: `sqlite:${path}` });
    expect(diagnosis.code).toBe(0);
    expect(diagnosis.findings).toContainEqual(expect.objectContaining({ verdict: "warning", summary: expect.stringMatching(/journal mode delete, not WAL/) }));
  });

  it("no database yet is a warning: the first start creates it", async () => {
    const diagnosis = await doctor({ LPS_DATABASE_URL: `sqlite:${join(tempDir(), "later.db")}` });
    expect(diagnosis.code).toBe(0);
    expect(diagnosis.findings).toContainEqual(expect.objectContaining({ verdict: "warning", summary: expect.stringMatching(/no SQLite database at/) }));
  });
});

describe("TLS", () => {
  const env = (certPath: string, keyPath: string) => ({ LPS_TLS_CERT: certPath, LPS_TLS_KEY: keyPath });

  it("a certificate that expires within 30 days is a warning", async () => {
    const diagnosis = await doctor(env(tls.certPath, tls.keyPath));
    expect(diagnosis.code).toBe(0);
    expect(diagnosis.findings).toContainEqual(expect.objectContaining({ area: "tls", verdict: "warning", summary: expect.stringMatching(/expires in 0 day/) }));
  });

  it("a key that is not the certificate's", async () => {
    const other = selfSignedCertificate();
    expectFault(await doctor(env(tls.certPath, other.keyPath)), "tls", /does not belong to the certificate/);
  });

  it("a key file others can read", async () => {
    const copy = join(tempDir(), "key.pem");
    copyFileSync(tls.keyPath, copy);
    chmodSync(copy, 0o644);
    expectFault(await doctor(env(tls.certPath, copy)), "tls", /mode 0644: other users can read it/);
  });

  it("a certificate file that is not PEM", async () => {
    const notPem = join(tempDir(), "cert.pem");
    writeFileSync(notPem, "not a certificate");
    expectFault(await doctor(env(notPem, tls.keyPath)), "tls", /cannot be read as PEM/);
  });

  it("a certificate that has expired, or is not valid yet", () => {
    const inTwoDays = new Date(Date.now() + 2 * 24 * 60 * 60 * 1000);
    expect(checkTls(tls, inTwoDays)).toEqual([expect.objectContaining({ verdict: "fault", summary: expect.stringMatching(/expired on/) })]);
    const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000 - 60_000);
    expect(checkTls(tls, yesterday)).toEqual([expect.objectContaining({ verdict: "fault", summary: expect.stringMatching(/not valid before/) })]);
  });

  it("a certificate valid for long enough is ok", () => {
    const longLived = join(tempDir(), "long.pem");
    execFileSync("openssl", ["req", "-x509", "-key", tls.keyPath, "-days", "365", "-subj", "/CN=localhost", "-out", longLived], { stdio: "ignore" });
    expect(checkTls({ certPath: longLived, keyPath: tls.keyPath })).toEqual([
      expect.objectContaining({ verdict: "ok", summary: expect.stringMatching(/CN=localhost valid until .* \(36[45] days\)/) }),
    ]);
  });
});

describe("JWT issuer keys", () => {
  let jwks: JwksServer;
  const issuer = { LPS_JWT_ISSUER: "https://issuer.example.com", LPS_JWT_AUDIENCE: "lps" };

  beforeAll(async () => {
    jwks = await serveJwks(keySet(await signingKey("k1", "ES256")));
  });
  afterAll(() => jwks.close());

  it("keys fetched from the URL, for an accepted algorithm, are ok", async () => {
    const diagnosis = await doctor({ ...issuer, LPS_JWKS_URL: jwks.url, LPS_JWT_ALGORITHMS: "ES256" });
    expect(diagnosis.code).toBe(0);
    expect(diagnosis.findings).toContainEqual(expect.objectContaining({ area: "jwt", verdict: "ok", summary: expect.stringMatching(/1 usable key\(s\).*k1 ES256/) }));
  });

  it("keys for no accepted algorithm", async () => {
    expectFault(await doctor({ ...issuer, LPS_JWKS_URL: jwks.url, LPS_JWT_ALGORITHMS: "RS256" }), "jwt", /none of the 1 key\(s\)/);
  });

  it("a URL that does not answer", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/jwks.json`;
    expectFault(await doctor({ ...issuer, LPS_JWKS_URL: closed }), "jwt", /cannot be read/);
  });

  it("a file that is not a key set", async () => {
    const file = join(tempDir(), "jwks.json");
    writeFileSync(file, JSON.stringify({ issuer: "nope" }));
    expectFault(await doctor({ ...issuer, LPS_JWKS_FILE: file }), "jwt", /cannot be read: not \{"keys"/);
  });

  it("a key set that publishes a private key", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const file = join(tempDir(), "jwks.json");
    const published = [{ ...(await exportJWK(privateKey)), kid: "leaked", alg: "ES256" }, { ...(await exportJWK(publicKey)), kid: "public", alg: "ES256" }];
    writeFileSync(file, JSON.stringify({ keys: published }));
    const diagnosis = await doctor({ ...issuer, LPS_JWKS_FILE: file, LPS_JWT_ALGORITHMS: "ES256" });
    expectFault(diagnosis, "jwt", /key leaked .* is a private key/);
  });
});

describe("admin token file", () => {
  it("readable by others", async () => {
    const path = join(tempDir(), "admin.pat");
    writeFileSync(path, "lps_x\n", { mode: 0o644 });
    chmodSync(path, 0o644);
    expectFault(await doctor({ LPS_ADMIN_PAT_PATH: path }), "admin token", /mode 0644: other users can read the admin's token/);
  });

  it("readable by its owner only", async () => {
    const path = join(tempDir(), "admin.pat");
    writeFileSync(path, "lps_x\n", { mode: 0o600 });
    const diagnosis = await doctor({ LPS_ADMIN_PAT_PATH: path });
    expect(diagnosis.findings).toContainEqual(expect.objectContaining({ area: "admin token", verdict: "ok" }));
  });
});
