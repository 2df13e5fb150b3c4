/**
 * PostgreSQL in the test run: whether it can run here (jest.config.js finds the binaries),
 * the clusters tests start, and the cluster the whole run shares (started by jest's global
 * setup). Like the cluster module, this one imports nothing of the repository's own at run
 * time: the global setup loads it with a plain require().
 */
import type { ClusterOptions } from "../../harness/postgres-cluster.js";

/** Why PostgreSQL tests cannot run on this machine; undefined when they can. */
export const postgresSkipReason: string | undefined = process.env.LPS_TEST_POSTGRES_SKIPPED || undefined;

/**
 * How tests start a cluster. Not durable: tests stop and crash the server, never the
 * machine, and need no fsync.
 */
export function testClusterOptions(): ClusterOptions {
  const bin = process.env.LPS_TEST_POSTGRES_BIN;
  if (!bin) throw new Error(`cannot start PostgreSQL: ${postgresSkipReason ?? "LPS_TEST_POSTGRES_BIN is not set"}`);
  return { bin, durable: false };
}

/** The superuser URL of the cluster the whole test run shares. */
export function sharedClusterUrl(): string {
  const url = process.env.LPS_TEST_POSTGRES_URL;
  if (!url) throw new Error(`no PostgreSQL cluster for this run: ${postgresSkipReason ?? "the postgres test project starts it"}`);
  return url;
}
