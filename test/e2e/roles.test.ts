/**
 * What each role of the default table may do, and where: on its organization, on every
 * organization, on the instance's default policy; and a role table replaced by
 * LPS_ROLES_FILE. Every write that is allowed is made and undone; every one that is refused
 * leaves the event log as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient, type GrpcResult, type GrpcService } from "../../harness/grpc-js-client.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import type { RoleTable } from "../../src/access/role-permissions.js";
import { expectRefused, PERMISSION_DENIED, withoutEvents } from "../support/access-refusals.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { Principals, type Principal, type Roles } from "../support/principals.js";
import { rest } from "../support/rest-client.js";
import { runCli } from "../support/server-process.js";
import { freshDatabaseUrl } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const servers: TestServer[] = [];
const clients: GrpcJsClient[] = [];

afterAll(async () => {
  for (const client of clients) client.close();
  for (const server of servers) await server.close();
  removeTempDirs();
});

/** Not among the default second factors: adding it is a change. */
const SMS = { type: "SECOND_FACTOR_TYPE_OTP_SMS" };

/** A custom policy users can sign in with (one with no way to sign in is refused). */
const SIGN_IN = { allowUsernamePassword: true };

/** The calls the tests make as one caller or another on one server; a refused one must write nothing. */
class PolicyCalls {
  constructor(
    readonly server: TestServer,
    private readonly client: GrpcJsClient,
  ) {}

  /** Gives the organization a policy of its own; returns the organization written. */
  async customize(caller: Principal, orgId?: string): Promise<string> {
    return expectOk(await this.call("management", "AddCustomLoginPolicy", caller, orgId, SIGN_IN)).details.resourceOwner;
  }

  /** Gives the organization a policy of its own, then takes it away; returns the organization written. */
  async customizeAndReset(caller: Principal, orgId?: string): Promise<string> {
    const written = await this.customize(caller, orgId);
    expectOk(await this.call("management", "ResetLoginPolicyToDefault", caller, orgId));
    return written;
  }

  customizeRefused(caller: Principal, orgId?: string): Promise<string> {
    return this.refused(() => this.call("management", "AddCustomLoginPolicy", caller, orgId, SIGN_IN));
  }

  resetRefused(caller: Principal, orgId?: string): Promise<string> {
    return this.refused(() => this.call("management", "ResetLoginPolicyToDefault", caller, orgId));
  }

  async readOrg(caller: Principal, orgId?: string): Promise<void> {
    expectOk(await this.call("management", "GetLoginPolicy", caller, orgId));
  }

  readOrgRefused(caller: Principal, orgId?: string): Promise<string> {
    return this.refused(() => this.call("management", "GetLoginPolicy", caller, orgId));
  }

  /** Adds SMS codes to the default policy, then removes them. */
  async changeDefault(caller: Principal): Promise<void> {
    expectOk(await this.call("admin", "AddSecondFactorToLoginPolicy", caller, undefined, SMS));
    expectOk(await this.call("admin", "RemoveSecondFactorFromLoginPolicy", caller, undefined, SMS));
  }

  changeDefaultRefused(caller: Principal): Promise<string> {
    return this.refused(() => this.call("admin", "AddSecondFactorToLoginPolicy", caller, undefined, SMS));
  }

  async readDefault(caller: Principal): Promise<void> {
    expectOk(await this.call("admin", "GetLoginPolicy", caller));
  }

  readDefaultRefused(caller: Principal): Promise<string> {
    return this.refused(() => this.call("admin", "GetLoginPolicy", caller));
  }

  private call(service: GrpcService, method: string, caller: Principal, orgId?: string, request: object = {}): Promise<GrpcResult> {
    return this.client.call(service, method, request, { ...bearer(caller.token), ...(orgId && { "x-zitadel-orgid": orgId }) });
  }

  private refused(call: () => Promise<GrpcResult>): Promise<string> {
    return expectRefused(this.server.databaseUrl, call, PERMISSION_DENIED);
  }
}

async function serve(env: Record<string, string> = {}): Promise<PolicyCalls> {
  const server = await startTestServer(env);
  servers.push(server);
  const client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
  clients.push(client);
  return new PolicyCalls(server, client);
}

describe("the default role table", () => {
  let calls: PolicyCalls;
  let orgA: string;
  let orgB: string;
  /** A machine user of org A with the roles. */
  let memberOfA: (roles: Roles) => Promise<Principal>;

  beforeAll(async () => {
    calls = await serve();
    const principals = new Principals(calls.server);
    [orgA, orgB] = [await principals.org(), await principals.org()];
    memberOfA = (roles) => principals.machineUser(orgA, roles);
  });

  it("ORG_OWNER_VIEWER reads its organization and may not write it", async () => {
    const viewer = await memberOfA({ orgs: { [orgA]: ["ORG_OWNER_VIEWER"] } });
    await calls.readOrg(viewer);
    await calls.customizeRefused(viewer);
    await calls.resetRefused(viewer, orgA);
  });

  it("IAM_OWNER_VIEWER reads the default policy and may write neither it nor any organization", async () => {
    const viewer = await memberOfA({ instance: ["IAM_OWNER_VIEWER"] });
    await calls.readDefault(viewer);
    await calls.changeDefaultRefused(viewer);
    await calls.customizeRefused(viewer, orgA);
  });

  it("ORG_OWNER of org A may not write org B", async () => {
    const owner = await memberOfA({ orgs: { [orgA]: ["ORG_OWNER"] } });
    await calls.customizeRefused(owner, orgB);
    await calls.readOrgRefused(owner, orgB);
  });

  it("ORG_OWNER of org A writes org A, without the header and with it", async () => {
    const owner = await memberOfA({ orgs: { [orgA]: ["ORG_OWNER"] } });
    expect(await calls.customizeAndReset(owner)).toBe(orgA);
    expect(await calls.customizeAndReset(owner, orgA)).toBe(orgA);
  });

  it("ORG_OWNER of org A may not call the Admin API", async () => {
    const owner = await memberOfA({ orgs: { [orgA]: ["ORG_OWNER"] } });
    await calls.readDefaultRefused(owner);
    await calls.changeDefaultRefused(owner);
  });

  it("ORG_SETTINGS_MANAGER of org A writes org A and not org B", async () => {
    const manager = await memberOfA({ orgs: { [orgA]: ["ORG_SETTINGS_MANAGER"] } });
    expect(await calls.customizeAndReset(manager)).toBe(orgA);
    await calls.customizeRefused(manager, orgB);
  });

  it("IAM_ORG_MANAGER writes every organization, and may not call the Admin API", async () => {
    const manager = await memberOfA({ instance: ["IAM_ORG_MANAGER"] });
    for (const orgId of [orgA, orgB]) expect(await calls.customizeAndReset(manager, orgId)).toBe(orgId);
    expect(await calls.customizeAndReset(manager)).toBe(orgA);
    await calls.readDefaultRefused(manager);
    await calls.changeDefaultRefused(manager);
  });

  it("IAM_OWNER writes every organization and the default policy", async () => {
    const owner = await memberOfA({ instance: ["IAM_OWNER"] });
    for (const orgId of [orgA, orgB]) expect(await calls.customizeAndReset(owner, orgId)).toBe(orgId);
    await calls.changeDefault(owner);
  });

  it("IAM_LOGIN_CLIENT reads the default policy and may not change it", async () => {
    const loginClient = await memberOfA({ instance: ["IAM_LOGIN_CLIENT"] });
    await calls.readDefault(loginClient);
    await calls.changeDefaultRefused(loginClient);
  });

  it("a user without roles is refused even in its own organization", async () => {
    const nobody = await memberOfA({});
    await calls.readOrgRefused(nobody);
    await calls.readDefaultRefused(nobody);
  });

  it("over REST, a viewer's write is 403 with the ErrorDetail, and writes nothing", async () => {
    const viewer = await memberOfA({ orgs: { [orgA]: ["ORG_OWNER_VIEWER"] } });
    const answer = await withoutEvents(calls.server.databaseUrl, () =>
      rest(calls.server.url, "POST", "/management/v1/policies/login", { body: {}, headers: bearer(viewer.token) }),
    );
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: status.PERMISSION_DENIED, details: [{ id: PERMISSION_DENIED.id, message: PERMISSION_DENIED.key }] });
  });
});

describe("a role table replaced by LPS_ROLES_FILE", () => {
  function rolesFile(table: unknown): string {
    const path = join(tempDir(), "roles.json");
    writeFileSync(path, JSON.stringify(table));
    return path;
  }

  it("decides what each role may do instead of the default one", async () => {
    const table: RoleTable = {
      instance: { IAM_OWNER: ["iam.policy.read", "iam.policy.write", "policy.read", "policy.write", "policy.delete"] },
      org: { ORG_OWNER: ["policy.read"], POLICY_EDITOR: ["policy.read", "policy.write"] },
    };
    const calls = await serve({ LPS_ROLES_FILE: rolesFile(table) });
    const principals = new Principals(calls.server, table);
    const orgId = await principals.org();

    const owner = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER"] } });
    await calls.readOrg(owner);
    await calls.customizeRefused(owner);

    const editor = await principals.machineUser(orgId, { orgs: { [orgId]: ["POLICY_EDITOR"] } });
    await calls.readOrg(editor);
    await calls.customize(editor);
    await calls.resetRefused(editor);
  });

  it("naming a permission no method declares stops the start, saying which and where", async () => {
    const path = rolesFile({ org: { ORG_OWNER: ["policy.read", "policy.wirte"] } });
    await expect(startTestServer({ LPS_ROLES_FILE: path })).rejects.toThrow(`org role ORG_OWNER grants unknown permission "policy.wirte"`);

    const result = await runCli(["serve"], { LPS_ROLES_FILE: path, LPS_DATABASE_URL: await freshDatabaseUrl() });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`invalid configuration:\n  - LPS_ROLES_FILE: ${path}: org role ORG_OWNER grants unknown permission "policy.wirte"\n`);
  });
});
