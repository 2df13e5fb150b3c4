/**
 * How many organizations a change of the default reaches is a count the store keeps, not a
 * list read on every write: it must stay what the list says through organizations coming
 * and custom policies added and reset (one at a time and racing), and a database from before
 * the count existed must find it counted when the server starts on it. On the engine of the
 * run, against the real server.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { join } from "node:path";
import pg from "pg";
import { PolicyReachService } from "../../gen/lps/v1/policy_reach_pb.js";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";
import { bearer } from "../../harness/connect-clients.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { callDoor, type DoorAnswer } from "../support/policy-doors.js";
import { Principals } from "../support/principals.js";
import { freshDatabaseUrl } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let env: Record<string, string>;
let server: TestServer;
let principals: Principals;

beforeEach(async () => {
  env = { LPS_DATABASE_URL: await freshDatabaseUrl(), LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat") };
  server = await startTestServer(env);
  principals = new Principals(server);
});

afterEach(async () => {
  await server.close();
});

afterAll(removeTempDirs);

const SMS = { type: "SECOND_FACTOR_TYPE_OTP_SMS" };

function ok(answer: DoorAnswer): any {
  if (!answer.ok) throw new Error(`expected OK, got ${answer.code}: ${answer.message}`);
  return answer;
}

const call = (service: Parameters<typeof callDoor>[2], method: string, request: object = {}, headers: Record<string, string> = {}) =>
  callDoor("grpc", server.url, service, method, request as never, { ...bearer(server.adminToken), ...headers });

/** What a change of the default answers it reaches (a dry run: it writes nothing). */
async function reached(): Promise<number> {
  const answer = ok(await call(AdminService, "AddSecondFactorToLoginPolicy", SMS, { "x-lps-dry-run": "true" }));
  return Number(answer.headers.get("x-lps-affected-organizations"));
}

/** The organizations that follow the default, as the list of them says. */
async function listed(): Promise<number> {
  const { body } = ok(await call(PolicyReachService, "ListLoginPolicyReach", { limit: 1000 }));
  const following = body.result.filter((org: { followsDefault: boolean }) => org.followsDefault).length;
  expect(Number(body.followingDefault)).toBe(following);
  return following;
}

async function expectReached(count: number): Promise<void> {
  expect(await listed()).toBe(count);
  expect(await reached()).toBe(count);
}

const addCustomPolicy = async (orgId: string) =>
  ok(await call(ManagementService, "AddCustomLoginPolicy", { allowUsernamePassword: true }, { "x-zitadel-orgid": orgId }));
const resetToDefault = async (orgId: string) =>
  ok(await call(ManagementService, "ResetLoginPolicyToDefault", {}, { "x-zitadel-orgid": orgId }));

describe("the count of organizations a change of the default reaches", () => {
  it("follows organizations as they come and custom policies as they are added and reset", async () => {
    await expectReached(1); // the first organization, made with the instance
    const [a, b, c] = [await principals.org(), await principals.org(), await principals.org()];
    await expectReached(4);
    await addCustomPolicy(a);
    await addCustomPolicy(b);
    await expectReached(2);
    // Refused calls change nothing: a second custom policy, a reset of an organization without one.
    expect((await call(ManagementService, "AddCustomLoginPolicy", { allowUsernamePassword: true }, { "x-zitadel-orgid": a })).ok).toBe(false);
    expect((await call(ManagementService, "ResetLoginPolicyToDefault", {}, { "x-zitadel-orgid": c })).ok).toBe(false);
    await expectReached(2);
    await resetToDefault(a);
    await expectReached(3);
    await addCustomPolicy(a);
    await resetToDefault(b);
    await expectReached(3);
  });

  it("stays exact when organizations are made and take and drop custom policies at the same time", async () => {
    const orgs = await Promise.all(Array.from({ length: 12 }, () => principals.org()));
    await Promise.all(orgs.map((orgId) => addCustomPolicy(orgId)));
    await Promise.all([...orgs.slice(0, 5).map((orgId) => resetToDefault(orgId)), ...Array.from({ length: 6 }, () => principals.org())]);
    await expectReached(1 + 5 + 6);
  });

  it("is counted from what a database already holds when the server first starts on it", async () => {
    const orgs = [await principals.org(), await principals.org(), await principals.org()];
    await addCustomPolicy(orgs[0]!);
    await server.close();
    await forgetCount(env.LPS_DATABASE_URL!);
    server = await startTestServer(env);
    await expectReached(3);
  });
});

/**
 * Makes the database one from before the count: its document and the record of the schema
 * step that wrote it gone, so that the next start applies the step again.
 */
async function forgetCount(databaseUrl: string): Promise<void> {
  const statements = [
    "DELETE FROM projection_documents WHERE projection = 'policy_reach'",
    "DELETE FROM schema_migrations WHERE name = 'policy reach count'",
  ];
  if (databaseUrl.startsWith("sqlite:")) {
    const db = new Database(databaseUrl.slice("sqlite:".length));
    try {
      for (const statement of statements) expect(db.prepare(statement).run().changes).toBe(1);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    for (const statement of statements) expect((await client.query(statement)).rowCount).toBe(1);
  } finally {
    await client.end();
  }
}
