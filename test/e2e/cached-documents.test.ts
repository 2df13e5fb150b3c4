/**
 * What a call reads never depends on what the server holds in memory: with room for one
 * document (LPS_CACHED_DOCUMENTS=1), several users' tokens, memberships, organizations and
 * policies push one another out all the time, and every call still reads exactly what the
 * database holds, including what the operator CLI, another process, has just changed.
 */
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import { join } from "node:path";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { runCli } from "../support/server-process.js";
import { freshDatabaseUrl } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const USERS = 3;

let env: Record<string, string>;
let server: TestServer;
let client: GrpcJsClient;

beforeAll(async () => {
  env = { LPS_DATABASE_URL: await freshDatabaseUrl(), LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat"), LPS_CACHED_DOCUMENTS: "1" };
  server = await startTestServer(env);
  client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
});

afterAll(async () => {
  client.close();
  await server?.close();
  removeTempDirs();
});

async function lps(...args: string[]): Promise<string> {
  const result = await runCli(args, env);
  if (result.code !== 0) throw new Error(`lps ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout.trim();
}

it("reads exactly what the database holds with room for one document", async () => {
  const users: { orgId: string; userId: string; headers: Record<string, string> }[] = [];
  for (let n = 0; n < USERS; n++) {
    const orgId = await lps("orgs", "add", `Tiny cache ${n}`);
    const userId = await lps("users", "add", `owner-${n}`, "--org", orgId);
    await lps("members", "grant", userId, "ORG_OWNER", "--org", orgId);
    const token = await lps("tokens", "create", userId);
    users.push({ orgId, userId, headers: bearer(token) });
  }
  const policy = async (user: { headers: Record<string, string> }) =>
    expectOk(await client.call("management", "GetLoginPolicy", {}, user.headers)) as { isDefault: boolean };

  for (const user of users) expect((await policy(user)).isDefault).toBe(true);
  expectOk(await client.call("management", "AddCustomLoginPolicy", { allowUsernamePassword: true }, users[1]!.headers));
  expect((await Promise.all(users.map(policy))).map((read) => read.isDefault)).toEqual([true, false, true]);

  // Changed by another process: refused on the very next call, however memory was used meanwhile.
  await lps("members", "revoke", users[0]!.userId, "ORG_OWNER", "--org", users[0]!.orgId);
  expect(await client.call("management", "GetLoginPolicy", {}, users[0]!.headers)).toMatchObject({ ok: false, code: status.PERMISSION_DENIED });
  for (const user of users.slice(1)) await policy(user);
  const [{ id: tokenId }] = JSON.parse(await lps("tokens", "list", users[2]!.userId, "--json")) as { id: string }[];
  await lps("tokens", "revoke", users[2]!.userId, tokenId!);
  expect(await client.call("management", "GetLoginPolicy", {}, users[2]!.headers)).toMatchObject({ ok: false, code: status.UNAUTHENTICATED });
  expect((await policy(users[1]!)).isDefault).toBe(false);
});
