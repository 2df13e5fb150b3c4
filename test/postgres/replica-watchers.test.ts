/**
 * Watch streams across replicas: a watcher on each of two server processes sees a change
 * made through a third, announced by PostgreSQL's NOTIFY (the replicas re-check on their
 * own only every ten minutes here, so nothing else could bring it), and keeps seeing
 * changes after its replica's LISTEN connection was cut and came back.
 */
import { afterAll, expect, it } from "@jest/globals";
import { join } from "node:path";
import pg from "pg";
import { SecondFactorType } from "../../gen/zitadel/policy/v1/login_policy_pb.js";
import { bearer, policyClients, watchClient } from "../../harness/connect-clients.js";
import { createDatabase } from "../../harness/postgres-cluster.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { describePostgres } from "../support/describe-postgres.js";
import { startServerProcess } from "../support/server-process.js";
import { StreamReader } from "../support/stream-reader.js";
import { sharedClusterUrl } from "../support/test-postgres.js";
import { waitFor } from "../support/wait-for.js";

afterAll(removeTempDirs);

/** Far longer than any wait below: a change that arrives came by notification. */
const RECHECK_MS = "600000";

describePostgres("watchers on PostgreSQL replicas", () => {
  it("see a change made through another replica, also after their LISTEN connection was cut", async () => {
    const databaseUrl = await createDatabase(sharedClusterUrl());
    const env = { LPS_DATABASE_URL: databaseUrl, LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat"), LPS_WATCH_RECHECK_MS: RECHECK_MS };
    const first = await startServerProcess(env);
    const [second, third] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    const token = first.adminToken;
    const controller = new AbortController();
    try {
      const watchers = [first, second].map(
        (replica) => new StreamReader(watchClient("grpc", replica.url, bearer(token)).watchDefaultLoginPolicy({}, { signal: controller.signal })),
      );
      await Promise.all(watchers.map((watcher) => watcher.next("the first state")));
      const { admin } = policyClients("grpc", third.url, bearer(token));

      await admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS });
      const written = Date.now();
      const seen = await Promise.all(watchers.map((watcher) => watcher.next("the change through the third replica", 5_000)));
      const latencyMs = Date.now() - written;
      for (const state of seen) expect(state.policy?.secondFactors).toContain(SecondFactorType.OTP_SMS);
      process.stdout.write(`a change through a third replica reached both watchers ${latencyMs} ms after it was acknowledged\n`);

      // The LISTEN connections go; the replicas open new ones and read again.
      const admin_ = new pg.Client(databaseUrl);
      await admin_.connect();
      try {
        const listening = async () =>
          (await admin_.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'")).rows;
        await waitFor(async () => (await listening()).length === 2, "both watching replicas to listen");
        await admin_.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'");
        await waitFor(async () => (await listening()).length === 2, "both replicas to listen again");
      } finally {
        await admin_.end();
      }
      await admin.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.OTP_SMS });
      for (const watcher of watchers) {
        expect((await watcher.next("the change after the reconnection", 5_000)).policy?.secondFactors).not.toContain(SecondFactorType.OTP_SMS);
      }
    } finally {
      controller.abort();
      await Promise.all([first, second, third].map((replica) => replica.stop()));
    }
  });
});
