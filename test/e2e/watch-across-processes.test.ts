/**
 * A server's watchers hear of changes that other processes commit to its database: the
 * operator commands (a token revoked ends the stream) and another server on the same
 * database (a policy change arrives). On SQLite the other process's commit is seen by
 * polling the file's data_version; on PostgreSQL by NOTIFY. The server re-checks on its own
 * only every ten minutes here, so nothing else could bring them.
 */
import { afterAll, expect, it } from "@jest/globals";
import { Code } from "@connectrpc/connect";
import { join } from "node:path";
import { SecondFactorType } from "../../gen/zitadel/policy/v1/login_policy_pb.js";
import { bearer, policyClients, watchClient } from "../../harness/connect-clients.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { runCli, startServerProcess } from "../support/server-process.js";
import { StreamReader } from "../support/stream-reader.js";
import { freshDatabaseUrl } from "../support/test-database.js";

afterAll(removeTempDirs);

it("sees the operator commands' and another server's commits", async () => {
  const env = { LPS_DATABASE_URL: await freshDatabaseUrl(), LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat"), LPS_WATCH_RECHECK_MS: "600000" };
  const server = await startServerProcess(env);
  const cli = async (...args: string[]) => {
    const result = await runCli([...args, "--json"], env);
    if (result.code !== 0) throw new Error(`lps ${args.join(" ")}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const controller = new AbortController();
  try {
    const org = await cli("orgs", "add", "Watched");
    const user = await cli("users", "add", "watcher", "--org", org.id);
    await cli("members", "grant", user.id, "ORG_OWNER", "--org", org.id);
    const issued = await cli("tokens", "create", user.id);

    const watcher = new StreamReader(watchClient("grpc", server.url, bearer(issued.token)).watchLoginPolicy({}, { signal: controller.signal }));
    expect((await watcher.next()).isDefault).toBe(true);

    // A second server on the same database changes the default the organization follows.
    const other = await startServerProcess(env);
    try {
      await policyClients("grpc", other.url, bearer(server.adminToken)).admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS });
    } finally {
      await other.stop();
    }
    expect((await watcher.next("the other server's change")).policy?.secondFactors).toContain(SecondFactorType.OTP_SMS);

    await cli("tokens", "revoke", user.id, issued.id);
    const ended = await watcher.end();
    expect(ended?.code).toBe(Code.Unauthenticated);

  } finally {
    controller.abort();
    await server.stop();
  }
});
