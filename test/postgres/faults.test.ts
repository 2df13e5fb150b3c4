/**
 * PostgreSQL going away and coming back, for real: this file has a cluster of its own, and
 * stops, crashes and restarts it under a running service.
 */
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import pg from "pg";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { PostgresCluster } from "../../harness/postgres-cluster.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { StoreUnavailable } from "../../src/eventstore/store.js";
import { describePostgres } from "../support/describe-postgres.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { launchServerProcess, runCli } from "../support/server-process.js";
import { openStore } from "../support/test-database.js";
import { testClusterOptions } from "../support/test-postgres.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { waitFor } from "../support/wait-for.js";

const RETRYING = "PostgreSQL is not reachable yet; retrying";
const UNAVAILABLE = { ok: false, code: status.UNAVAILABLE, detail: { id: "STORE-Unav1", message: "Errors.Storage.Unavailable" } };

/** The log lines of start-up attempts that found the database down. */
function retryLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((line) => line.includes(RETRYING))
    .map((line) => JSON.parse(line));
}

function clientOf(server: TestServer): GrpcJsClient {
  return new GrpcJsClient(`127.0.0.1:${server.address.port}`, undefined, {}, bearer(server.adminToken));
}

describePostgres("PostgreSQL going away", () => {
  let cluster: PostgresCluster;

  beforeAll(async () => {
    cluster = await PostgresCluster.start(testClusterOptions());
  }, 60_000);

  afterAll(async () => {
    await cluster?.destroy();
    removeTempDirs();
  });

  it("is waited for at start, with one log line per attempt, until it is reachable", async () => {
    const url = await cluster.createDatabase();
    await cluster.stop();
    const server = launchServerProcess({ LPS_DATABASE_URL: url, LPS_LOG_LEVEL: "info" });
    await waitFor(() => retryLines(server.output()).length >= 2, "two attempts to fail");
    await cluster.start();
    const running = await server.listening;
    await running.stop();

    const database = `127.0.0.1:${cluster.port}${new URL(url).pathname}`;
    const attempts = retryLines(server.output());
    attempts.forEach((line, i) =>
      expect(line).toMatchObject({ level: 40, database, attempt: i + 1, reason: expect.stringContaining("ECONNREFUSED") }),
    );
    expect(server.output()).not.toMatch(/^\s+at /m);
    expect(server.output()).toContain('"msg":"instance created"');
  });

  it("is given up on after LPS_DATABASE_STARTUP_WAIT_MS, in one line and without a stack trace", async () => {
    const url = await cluster.createDatabase();
    await cluster.stop();
    try {
      const result = await runCli(["serve"], { LPS_DATABASE_URL: url, LPS_DATABASE_STARTUP_WAIT_MS: "1000", LPS_PORT: "0" });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^lps: PostgreSQL at 127\.0\.0\.1:\d+\/lps_\w+ is not reachable \(connect ECONNREFUSED [\d.:]+\); gave up after \d+ attempts in \d+ s \(LPS_DATABASE_STARTUP_WAIT_MS\)\n$/,
      );
      expect(retryLines(result.stdout).length).toBeGreaterThan(0);
      expect(result.stdout.trim().split("\n")).toEqual(retryLines(result.stdout).map(() => expect.stringContaining(RETRYING)));
    } finally {
      await cluster.start();
    }
  });

  it("is not waited for when waiting cannot help: a database that does not exist", async () => {
    const url = new URL(cluster.url);
    url.pathname = "/nowhere";
    const result = await runCli(["serve"], { LPS_DATABASE_URL: url.toString(), LPS_PORT: "0" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`lps: cannot use PostgreSQL at 127.0.0.1:${cluster.port}/nowhere: database "nowhere" does not exist\n`);
    expect(result.stdout).toBe("");
  });

  it("makes calls answer Unavailable, loses nothing acknowledged, and is reconnected to by itself", async () => {
    const server = await startTestServer({ LPS_DATABASE_URL: await cluster.createDatabase() });
    const client = clientOf(server);
    try {
      const added = expectOk(await client.call("admin", "AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }));

      await cluster.stop("immediate");
      expect(await client.call("admin", "GetLoginPolicy")).toMatchObject(UNAVAILABLE);
      expect(await client.call("admin", "RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" })).toMatchObject(
        UNAVAILABLE,
      );
      expect(await client.call("management", "ListLoginPolicySecondFactors")).toMatchObject(UNAVAILABLE);
      await expect(server.store.ping()).rejects.toBeInstanceOf(StoreUnavailable);

      await cluster.start();
      await waitFor(async () => (await client.call("admin", "GetLoginPolicy")).ok, "the service to answer again");
      await expect(server.store.ping()).resolves.toBeUndefined();
      const { policy } = expectOk(await client.call("admin", "GetLoginPolicy"));
      expect(policy.secondFactors).toContain("SECOND_FACTOR_TYPE_OTP_SMS");
      expect(policy.details.sequence).toBe(added.details.sequence);
      const removed = expectOk(await client.call("admin", "RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }));
      expect(BigInt(removed.details.sequence)).toBe(BigInt(added.details.sequence) + 1n);
      expect(server.logs.filter((line) => line.msg === "internal error")).toEqual([]);
    } finally {
      client.close();
      await server.close();
    }
  });

  it("fails ping within a bounded time when the database stops answering altogether", async () => {
    const store = await openStore(await cluster.createDatabase());
    try {
      await store.ping();
      cluster.pause();
      try {
        await expect(store.ping()).rejects.toThrow(new StoreUnavailable("PostgreSQL did not answer within 3000 ms"));
      } finally {
        cluster.resume();
      }
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("leaves nothing of a command whose connection is lost halfway", async () => {
    const url = await cluster.createDatabase();
    const server = await startTestServer({ LPS_DATABASE_URL: url });
    const orgId = server.instance.defaultOrgId;
    const client = clientOf(server);
    const blocker = new pg.Client(url);
    await blocker.connect();
    try {
      // Hold the row the command's projection will write: the command stops there, its
      // events inserted but not committed, until its connection is cut.
      await blocker.query("BEGIN");
      await blocker.query("INSERT INTO projection_documents (projection, key, state) VALUES ('login_policies', $1, '{}')", [orgId]);
      const policy = { allowUsernamePassword: true, secondFactors: ["SECOND_FACTOR_TYPE_OTP", "SECOND_FACTOR_TYPE_U2F"], multiFactors: ["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"] };
      const call = client.call("management", "AddCustomLoginPolicy", policy);
      const pid = await waitFor(async () => {
        const { rows } = await blocker.query(
          `SELECT pid FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'lps' AND wait_event_type = 'Lock'`,
        );
        return rows[0]?.pid as number | undefined;
      }, "the command to wait for the row");
      await blocker.query("SELECT pg_terminate_backend($1)", [pid]);
      expect(await call).toMatchObject(UNAVAILABLE);
      await blocker.query("ROLLBACK");

      const store = await openStore(url);
      expect((await store.events({ type: "org", id: orgId })).map((e) => e.type)).toEqual(["org.added"]);
      await store.close();
      expect(expectOk(await client.call("management", "GetLoginPolicy")).isDefault).toBe(true);
      // Four events after org.added: the policy and its three factors, numbered without a gap.
      expect(expectOk(await client.call("management", "AddCustomLoginPolicy", policy)).details.sequence).toBe("5");
    } finally {
      await blocker.end();
      client.close();
      await server.close();
    }
  });
});
