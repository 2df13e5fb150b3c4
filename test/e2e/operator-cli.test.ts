/**
 * The operator commands as scripts and people use them: `lps orgs|users|members|tokens`
 * run as processes on the configured database, with and without a server running on it.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { runCli } from "../support/server-process.js";
import { freshDatabaseUrl } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let env: Record<string, string>;
let server: TestServer;

beforeAll(async () => {
  const dir = tempDir();
  env = { LPS_DATABASE_URL: await freshDatabaseUrl(), LPS_ADMIN_PAT_PATH: join(dir, "admin.pat") };
});

afterAll(async () => {
  await server?.close();
  removeTempDirs();
});

const lps = (...args: string[]) => runCli(args, env);

async function json(...args: string[]): Promise<any> {
  const result = await lps(...args, "--json");
  if (result.code !== 0) throw new Error(`lps ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe("on a database nobody has used", () => {
  it("sets the instance up, writes the admin token (mode 0600), and lists the first organization", async () => {
    const orgs = await json("orgs", "list");
    expect(orgs).toEqual([expect.objectContaining({ name: "Default", isDefault: true })]);
    expect(existsSync(env.LPS_ADMIN_PAT_PATH!)).toBe(true);
    expect(statSync(env.LPS_ADMIN_PAT_PATH!).mode & 0o777).toBe(0o600);
    expect(readFileSync(env.LPS_ADMIN_PAT_PATH!, "utf8")).toMatch(/^lps_[\w-]{43}\n$/);
    const members = await json("members", "list");
    expect(members).toEqual([{ userId: expect.any(String), roles: ["IAM_OWNER"] }]);
  });
});

describe("with a server running on the same database", () => {
  let orgId: string;
  let userId: string;
  let client: GrpcJsClient;

  beforeAll(async () => {
    server = await startTestServer(env);
    client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
  });

  afterAll(() => client.close());

  it("adds organizations with unique names; a taken name exits 3 with the reason", async () => {
    const added = await json("orgs", "add", "Acme Corp");
    orgId = added.id;
    expect(added).toEqual({ id: expect.stringMatching(/^\d+$/), name: "Acme Corp" });
    const again = await lps("orgs", "add", " acme corp ");
    expect(again.code).toBe(3);
    expect(again.stderr).toBe('lps: Errors.Org.AlreadyExists (Org-N4m3x): an organization named "acme corp" exists\n');
    expect((await json("orgs", "list")).map((o: { name: string }) => o.name)).toEqual(["Default", "Acme Corp"]);
    // The server sees the new organization at once.
    const read = await client.call("management", "GetLoginPolicy", {}, { ...bearer(server.adminToken), "x-zitadel-orgid": orgId });
    expect(read.ok).toBe(true);
  });

  it("adds machine users to an organization, and prints just the new ID without --json", async () => {
    const plain = await lps("users", "add", "deployer", "--org", orgId, "--name", "Deploy bot");
    expect(plain).toMatchObject({ code: 0, stderr: "" });
    userId = plain.stdout.trim();
    expect(userId).toMatch(/^\d+$/);
    expect(await json("users", "list", "--org", orgId)).toEqual([
      expect.objectContaining({ id: userId, username: "deployer", name: "Deploy bot", orgId, tokenCount: 0 }),
    ]);
    expect((await lps("users", "add", "deployer", "--org", orgId)).code).toBe(3);
    const nowhere = await lps("users", "add", "x", "--org", "123");
    expect(nowhere.code).toBe(3);
    expect(nowhere.stderr).toContain("Errors.Org.NotFound");
  });

  it("grants and revokes roles, which the server applies at once", async () => {
    const token = (await lps("tokens", "create", userId)).stdout.trim();
    const asUser = { ...bearer(token), "x-zitadel-orgid": orgId };
    const before = await client.call("management", "GetLoginPolicy", {}, asUser);
    expect(before).toMatchObject({ ok: false, code: status.PERMISSION_DENIED });

    expect(await json("members", "grant", userId, "ORG_OWNER_VIEWER", "--org", orgId)).toEqual([
      { userId, orgId, roles: ["ORG_OWNER_VIEWER"] },
    ]);
    expect((await client.call("management", "GetLoginPolicy", {}, asUser)).ok).toBe(true);

    const twice = await lps("members", "grant", userId, "ORG_OWNER_VIEWER", "--org", orgId);
    expect(twice.code).toBe(3);
    const wrongScope = await lps("members", "grant", userId, "IAM_OWNER", "--org", orgId);
    expect(wrongScope.code).toBe(3);
    expect(wrongScope.stderr).toContain("IAM_OWNER is not a role on organizations");

    expect(await json("members", "list", "--org", orgId)).toEqual([{ userId, orgId, roles: ["ORG_OWNER_VIEWER"] }]);
    expect(await json("members", "revoke", userId, "ORG_OWNER_VIEWER", "--org", orgId)).toEqual([]);
    expect(await client.call("management", "GetLoginPolicy", {}, asUser)).toMatchObject({ code: status.PERMISSION_DENIED });
    expect((await lps("members", "revoke", userId, "ORG_OWNER_VIEWER", "--org", orgId)).code).toBe(3);
  });

  it("issues tokens shown once, lists them without the secret, and revokes them for good", async () => {
    await json("members", "grant", userId, "IAM_OWNER_VIEWER");
    const issued = await json("tokens", "create", userId, "--expires-in", "90d");
    expect(issued).toEqual({ id: expect.any(String), token: expect.stringMatching(/^lps_/), expiresAt: expect.any(String) });
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);

    const listed = await lps("tokens", "list", userId, "--json");
    expect(listed.stdout).not.toContain(issued.token);
    expect(JSON.parse(listed.stdout)).toContainEqual({ id: issued.id, createdAt: expect.any(String), expiresAt: issued.expiresAt });

    expect((await client.call("admin", "GetLoginPolicy", {}, bearer(issued.token))).ok).toBe(true);
    expect(await json("tokens", "revoke", userId, issued.id)).toEqual({ revoked: issued.id });
    const refused = await client.call("admin", "GetLoginPolicy", {}, bearer(issued.token));
    expect(refused).toMatchObject({ ok: false, code: status.UNAUTHENTICATED, detail: { id: "AUTH-7fs1e" } });
    expect((await lps("tokens", "revoke", userId, issued.id)).code).toBe(3);
  });

  it("refuses an expiry in the past, and malformed ones as usage mistakes", async () => {
    const past = await lps("tokens", "create", userId, "--expires-at", "2020-01-01T00:00:00Z");
    expect(past.code).toBe(3);
    expect(past.stderr).toContain("Errors.User.PAT.ExpiryInPast");
    expect((await lps("tokens", "create", userId, "--expires-in", "soon")).code).toBe(2);
    expect((await lps("tokens", "create", userId, "--expires-at", "tomorrow")).code).toBe(2);
  });
});

describe("usage mistakes", () => {
  it.each([
    [["orgs", "add"], "usage: lps orgs add <name> [--json]"],
    [["orgs", "add", "a", "b"], "usage: lps orgs add <name> [--json]"],
    [["users", "list", "--colour", "x"], "Unknown option '--colour'"],
    [["tokens", "mint", "1"], '"lps tokens mint" is not a command; try: lps tokens create|list|revoke'],
    [["members", "list", "--org", "1", "--user", "2"], "give --org or --user, not both"],
  ])("lps %j exits 2 and says what is wrong", async (args, message) => {
    const result = await lps(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });
});
