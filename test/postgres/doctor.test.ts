/**
 * `lps doctor` on PostgreSQL, run as a process against databases of the run's throwaway
 * cluster: each fault it claims to find is made for real (the server unreachable,
 * synchronous_commit off, too little room for every replica's pool, a read-only database,
 * a user that may not write) and must be reported with a fix and exit code 3.
 */
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import pg from "pg";
import { createDatabase } from "../../harness/postgres-cluster.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import type { Finding } from "../../src/cli/doctor-finding.js";
import { describePostgres } from "../support/describe-postgres.js";
import { runCli } from "../support/server-process.js";
import { openStore } from "../support/test-database.js";
import { sharedClusterUrl } from "../support/test-postgres.js";

interface Diagnosis {
  readonly code: number | string | null;
  readonly findings: Finding[];
}

async function doctor(url: string, args: string[] = [], env: Record<string, string> = {}): Promise<Diagnosis> {
  const result = await runCli(["doctor", "--json", ...args], { LPS_DATABASE_URL: url, LPS_ADMIN_PAT_PATH: "/nonexistent/admin.pat", ...env });
  return { code: result.code, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings };
}

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** A migrated database of its own, made by the service's store. */
async function migratedDatabase(): Promise<string> {
  const url = await createDatabase(sharedClusterUrl());
  await (await openStore(url)).close();
  return url;
}

/** A migrated database whose sessions start with the setting (ALTER DATABASE ... SET). */
async function migratedDatabaseWith(setting: string): Promise<string> {
  const url = await migratedDatabase();
  await sql(url, `ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET ${setting}`);
  return url;
}

function databaseFaults(diagnosis: Diagnosis): string[] {
  return diagnosis.findings.filter((f) => f.area === "database" && f.verdict === "fault").map((f) => f.summary);
}

afterAll(removeTempDirs);

describePostgres("lps doctor on PostgreSQL", () => {
  let url: string;

  beforeAll(async () => {
    url = await migratedDatabase();
  });

  it("finds nothing wrong with a migrated database, and reports version, durability and headroom", async () => {
    const diagnosis = await doctor(url);
    expect(diagnosis.code).toBe(0);
    const summaries = diagnosis.findings.map((f) => `${f.verdict} ${f.summary}`);
    expect(summaries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ok PostgreSQL \d+/),
        "ok synchronous_commit on",
        expect.stringMatching(/^ok 1 replica\(s\) × pool size 10 = 10 connections of \d+ admitted/),
        expect.stringMatching(/^ok migrated/),
        "ok writable",
      ]),
    );
  });

  it("a server that cannot be reached", async () => {
    const unreachable = new URL(url);
    unreachable.port = "1";
    const diagnosis = await doctor(unreachable.href);
    expect(diagnosis.code).toBe(3);
    expect(databaseFaults(diagnosis)).toEqual([expect.stringMatching(/cannot be reached/)]);
  });

  it("synchronous_commit off", async () => {
    const diagnosis = await doctor(await migratedDatabaseWith("synchronous_commit = off"));
    expect(diagnosis.code).toBe(3);
    expect(databaseFaults(diagnosis)).toEqual([expect.stringMatching(/synchronous_commit is off/)]);
  });

  it("more replicas × pool size than the server admits, from the flag or the setting", async () => {
    const { rows } = await sql(url, "SELECT current_setting('max_connections')::int AS max");
    const replicas = String(Math.ceil(rows[0].max / 10) + 1);
    for (const diagnosis of [await doctor(url, ["--replicas", replicas]), await doctor(url, [], { LPS_REPLICAS: replicas })]) {
      expect(diagnosis.code).toBe(3);
      expect(databaseFaults(diagnosis)).toEqual([expect.stringMatching(new RegExp(`^${replicas} replica\\(s\\) × pool size 10 = \\d+ connections, but the server admits`))]);
      expect(diagnosis.findings.find((f) => f.verdict === "fault")?.fix).toMatch(/lower LPS_DATABASE_POOL_SIZE to at most \d+/);
    }
  });

  it("counts as other clients' the sessions not named as the replicas' are, whose name a URL's application_name sets", async () => {
    const HELD = 40;
    const named = (name: string) => {
      const withName = new URL(url);
      withName.searchParams.set("application_name", name);
      return withName.href;
    };
    const held = Array.from({ length: HELD }, () => new pg.Client(named("replica-x")));
    await Promise.all(held.map((client) => client.connect()));
    try {
      // Both at once, so that other tests' connections opening and closing meanwhile count alike.
      const [asReplicas, asOthers] = await Promise.all([doctor(named("replica-x")), doctor(named("someone-else"))]);
      const othersOpen = (diagnosis: Diagnosis) => Number(/\((\d+) others open now/.exec(diagnosis.findings.map((f) => f.summary).join("\n"))?.[1]);
      expect(othersOpen(asOthers) - othersOpen(asReplicas)).toBeGreaterThanOrEqual(HELD - 10);
    } finally {
      await Promise.all(held.map((client) => client.end()));
    }
  });

  it("a database that accepts no writes", async () => {
    const diagnosis = await doctor(await migratedDatabaseWith("default_transaction_read_only = on"));
    expect(diagnosis.code).toBe(3);
    expect(databaseFaults(diagnosis)).toEqual([expect.stringMatching(/accepts no writes/)]);
  });

  it("a user that may read but not write the service's tables", async () => {
    const role = `reader_${Date.now()}`;
    await sql(url, `CREATE ROLE ${role} LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const asReader = new URL(url);
    asReader.username = role;
    asReader.password = "";
    const diagnosis = await doctor(asReader.href);
    expect(diagnosis.code).toBe(3);
    expect(databaseFaults(diagnosis)).toEqual([expect.stringMatching(/may not write events, projection_documents, document_changes, unique_constraints/)]);
  });

  it("a database the service has not set up yet is a warning", async () => {
    const empty = await createDatabase(sharedClusterUrl());
    const diagnosis = await doctor(empty);
    expect(diagnosis.code).toBe(0);
    expect(diagnosis.findings).toContainEqual(expect.objectContaining({ verdict: "warning", summary: expect.stringMatching(/no tables of this service yet/) }));
  });
});
