/** Removes the cluster postgres-global-setup.ts started. */
import type { PostgresCluster } from "../../harness/postgres-cluster.js";

export default async function removeSharedCluster(): Promise<void> {
  await (globalThis as { sharedPostgresCluster?: PostgresCluster }).sharedPostgresCluster?.destroy();
}
