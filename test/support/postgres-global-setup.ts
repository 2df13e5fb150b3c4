/** Starts the PostgreSQL cluster that the "postgres" test project shares, once per run. */
import { createRequire } from "node:module";
import type * as ClusterModule from "../../harness/postgres-cluster.js";
import type * as TestPostgresModule from "./test-postgres.js";

// Jest runs this file outside its module system, where Node resolves neither TypeScript
// files nor the ".js" names they import each other by; require() goes through Jest's
// TypeScript transform instead.
const load = createRequire(import.meta.url);
const { PostgresCluster } = load("../../harness/postgres-cluster.ts") as typeof ClusterModule;
const { postgresSkipReason, testClusterOptions } = load("./test-postgres.ts") as typeof TestPostgresModule;

export default async function startSharedCluster(): Promise<void> {
  if (postgresSkipReason) {
    process.stderr.write(`\nPostgreSQL tests skipped: ${postgresSkipReason}.\n`);
    return;
  }
  const cluster = await PostgresCluster.start(testClusterOptions());
  // Test files create their databases in it; jest's workers inherit the variable.
  process.env.LPS_TEST_POSTGRES_URL = cluster.url;
  (globalThis as { sharedPostgresCluster?: ClusterModule.PostgresCluster }).sharedPostgresCluster = cluster;
}
