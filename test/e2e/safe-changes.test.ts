/**
 * Safe policy changes over every door (gRPC, gRPC-Web, Connect JSON and binary, REST), on
 * the engine of the run: versions and If-Match preconditions (racing writers included), dry
 * runs that answer as the real call and write nothing, the lockout guards both ways, and
 * who a change of the default reaches.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { DescService, JsonObject } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { PolicyReachService } from "../../gen/lps/v1/policy_reach_pb.js";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";
import { bearer } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { callDoor, DOORS, type Door, type DoorAnswer } from "../support/policy-doors.js";
import { Principals } from "../support/principals.js";
import { eventCount } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let principals: Principals;

beforeAll(async () => {
  server = await startTestServer();
  principals = new Principals(server);
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

const SMS = { type: "SECOND_FACTOR_TYPE_OTP_SMS" };
const OTP = { type: "SECOND_FACTOR_TYPE_OTP" };
const PASSKEY = { type: "MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION" };
/** A custom policy with username and password and nothing else: users can sign in. */
const PASSWORD_ONLY = { allowUsernamePassword: true };

/** Calls over the door with a token (the admin's unless given; none when empty). */
function caller(door: Door, token?: string) {
  return (service: DescService, method: string, request: JsonObject = {}, headers: Record<string, string> = {}) =>
    callDoor(door, server.url, service, method, request, { ...bearer(token ?? server.adminToken), ...headers });
}

const inOrg = (orgId: string, headers: Record<string, string> = {}) => ({ "x-zitadel-orgid": orgId, ...headers });
const DRY_RUN = { "x-lps-dry-run": "true" };

function ok(answer: DoorAnswer): any {
  if (!answer.ok) throw new Error(`expected OK, got ${Code[answer.code]}: ${answer.message}`);
  return answer.body;
}

function refused(answer: DoorAnswer, code: Code, id: string): Extract<DoorAnswer, { ok: false }> {
  if (answer.ok) throw new Error(`expected ${Code[code]} ${id}, got OK`);
  expect({ code: answer.code, id: answer.id }).toEqual({ code, id });
  return answer;
}

/** Runs `act` and asserts that it appended no event anywhere. */
async function writesNothing<T>(act: () => Promise<T>): Promise<T> {
  const before = await eventCount(server.databaseUrl);
  const result = await act();
  expect(await eventCount(server.databaseUrl)).toBe(before);
  return result;
}

/** What an answer comes to, for comparing a dry run with the real call. */
function outcome(answer: DoorAnswer) {
  if (answer.ok) return { ok: true, etag: answer.headers.get("etag"), sequence: answer.body.details?.sequence };
  return { ok: false, code: answer.code, httpStatus: answer.httpStatus, id: answer.id, message: answer.message };
}

describe.each(DOORS)("over %s", (door) => {
  const call = caller(door);

  /** A new organization with a custom policy; its ID. */
  async function customOrg(policy: JsonObject = PASSWORD_ONLY): Promise<string> {
    const orgId = await principals.org();
    ok(await call(ManagementService, "AddCustomLoginPolicy", policy, inOrg(orgId)));
    return orgId;
  }

  describe("versions and preconditions", () => {
    it("sends the version of every policy read as a strong entity tag; an inherited policy has the default's", async () => {
      const read = await call(AdminService, "GetLoginPolicy");
      expect(read.headers.get("etag")).toBe(`"d${ok(read).policy.details.sequence}"`);
      const orgId = await principals.org();
      const inherited = await call(ManagementService, "GetLoginPolicy", {}, inOrg(orgId));
      expect(inherited.headers.get("etag")).toBe(read.headers.get("etag"));
      for (const method of ["ListLoginPolicySecondFactors", "ListLoginPolicyMultiFactors"]) {
        expect((await call(AdminService, method)).headers.get("etag")).toBe(read.headers.get("etag"));
      }
      const custom = await customOrg();
      const own = await call(ManagementService, "GetLoginPolicy", {}, inOrg(custom));
      expect(own.headers.get("etag")).toBe(`"c${ok(own).policy.details.sequence}"`);
    });

    it("writes when If-Match names the current version and answers the new one; refuses a stale one and changes nothing", async () => {
      const orgId = await customOrg();
      const read = await call(ManagementService, "GetLoginPolicy", {}, inOrg(orgId));
      const etag = read.headers.get("etag")!;
      const written = await call(ManagementService, "AddSecondFactorToLoginPolicy", OTP, inOrg(orgId, { "if-match": etag }));
      expect(written.headers.get("etag")).toBe(`"c${ok(written).details.sequence}"`);
      const current = written.headers.get("etag")!;
      expect((await call(ManagementService, "GetLoginPolicy", {}, inOrg(orgId))).headers.get("etag")).toBe(current);

      const stale = await writesNothing(() => call(ManagementService, "AddSecondFactorToLoginPolicy", SMS, inOrg(orgId, { "if-match": etag })));
      const failure = refused(stale, Code.FailedPrecondition, "POLICY-Pr3c0");
      expect(failure.detailMessage).toContain(current);
      expect(failure.message).toContain(current);
      expect(failure.headers.get("etag")).toBe(current);
      if (door === "rest") expect(failure.httpStatus).toBe(412);
      // Any of several versions, or any version at all.
      ok(await call(ManagementService, "AddSecondFactorToLoginPolicy", SMS, inOrg(orgId, { "if-match": `${etag}, ${current}` })));
      ok(await call(ManagementService, "RemoveSecondFactorFromLoginPolicy", SMS, inOrg(orgId, { "if-match": "*" })));
      refused(await call(ManagementService, "RemoveSecondFactorFromLoginPolicy", OTP, inOrg(orgId, { "if-match": `W/${current}` })), Code.FailedPrecondition, "POLICY-Pr3c0");
      refused(await call(ManagementService, "RemoveSecondFactorFromLoginPolicy", OTP, inOrg(orgId, { "if-match": '"c1' })), Code.InvalidArgument, "POLICY-1fM4t");
    });

    it("catches an edit based on a stale read of an inherited policy after the default changed", async () => {
      const orgId = await principals.org();
      const inherited = (await call(ManagementService, "GetLoginPolicy", {}, inOrg(orgId))).headers.get("etag")!;
      const changed = await call(AdminService, "AddSecondFactorToLoginPolicy", SMS);
      ok(changed);
      try {
        const stale = await writesNothing(() => call(ManagementService, "AddCustomLoginPolicy", PASSWORD_ONLY, inOrg(orgId, { "if-match": inherited })));
        expect(refused(stale, Code.FailedPrecondition, "POLICY-Pr3c0").headers.get("etag")).toBe(changed.headers.get("etag"));
        const fresh = (await call(ManagementService, "GetLoginPolicy", {}, inOrg(orgId))).headers.get("etag")!;
        expect(fresh).toBe(changed.headers.get("etag"));
        const added = await call(ManagementService, "AddCustomLoginPolicy", PASSWORD_ONLY, inOrg(orgId, { "if-match": fresh }));
        expect(added.headers.get("etag")).toBe(`"c${ok(added).details.sequence}"`);
        // Back to the default: the version is the default's again.
        const reset = await call(ManagementService, "ResetLoginPolicyToDefault", {}, inOrg(orgId, { "if-match": added.headers.get("etag")! }));
        ok(reset);
        expect(reset.headers.get("etag")).toBe(fresh);
      } finally {
        ok(await call(AdminService, "RemoveSecondFactorFromLoginPolicy", SMS));
      }
    });

    it("lets exactly one of two writers that race with the same precondition win; the other changes nothing", async () => {
      const orgId = await customOrg();
      const etag = (await call(ManagementService, "GetLoginPolicy", {}, inOrg(orgId))).headers.get("etag")!;
      const before = await eventCount(server.databaseUrl);
      const answers = await Promise.all(
        [{ ...PASSWORD_ONLY, allowRegister: true }, { ...PASSWORD_ONLY, hidePasswordReset: true }].map((settings) =>
          call(ManagementService, "UpdateCustomLoginPolicy", settings, inOrg(orgId, { "if-match": etag })),
        ),
      );
      expect(answers.filter((a) => a.ok)).toHaveLength(1);
      const loser = answers.find((a) => !a.ok)!;
      refused(loser, Code.FailedPrecondition, "POLICY-Pr3c0");
      expect(await eventCount(server.databaseUrl)).toBe(before + 1);
      const winner = answers.find((a) => a.ok)!;
      expect(loser.headers.get("etag")).toBe(winner.headers.get("etag"));
    });
  });

  describe("dry runs", () => {
    it("answer what the real call answers, the version it would produce included, and write nothing", async () => {
      const orgId = await customOrg();
      const policyBefore = await call(ManagementService, "GetLoginPolicy", {}, inOrg(orgId));
      const reachBefore = ok(await call(PolicyReachService, "ListLoginPolicyReach", { limit: 1000 }));
      const dry = await writesNothing(() => call(ManagementService, "AddSecondFactorToLoginPolicy", OTP, inOrg(orgId, DRY_RUN)));
      ok(dry);
      const policyAfter = await call(ManagementService, "GetLoginPolicy", {}, inOrg(orgId));
      expect(ok(policyAfter)).toEqual(ok(policyBefore));
      expect(policyAfter.headers.get("etag")).toBe(policyBefore.headers.get("etag"));
      const real = await call(ManagementService, "AddSecondFactorToLoginPolicy", OTP, inOrg(orgId, { "x-lps-dry-run": "false" }));
      expect(outcome(dry)).toEqual(outcome(real));
      expect(ok(dry).details.resourceOwner).toBe(ok(real).details.resourceOwner);

      const dryReset = await writesNothing(() => call(ManagementService, "ResetLoginPolicyToDefault", {}, inOrg(orgId, DRY_RUN)));
      expect(dryReset.headers.get("etag")).toBe((await call(AdminService, "GetLoginPolicy")).headers.get("etag"));
      expect(ok(await call(PolicyReachService, "ListLoginPolicyReach", { limit: 1000 })).result).toEqual(reachBefore.result);
      const dryAdd = await writesNothing(() => call(ManagementService, "AddCustomLoginPolicy", PASSWORD_ONLY, inOrg(orgId, DRY_RUN)));
      refused(dryAdd, Code.AlreadyExists, "Org-Dgfb2");
    });

    it("answer every refusal as the real call does, and write nothing", async () => {
      const orgId = await customOrg({ ...PASSWORD_ONLY, forceMfa: true, secondFactors: ["SECOND_FACTOR_TYPE_OTP"] });
      const follower = await principals.org();
      const viewer = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER_VIEWER"] } });
      const mgmt = (method: string, request: JsonObject, token?: string, org = orgId) => (headers: Record<string, string>) =>
        caller(door, token)(ManagementService, method, request, inOrg(org, headers));
      const cases: [string, (headers: Record<string, string>) => Promise<DoorAnswer>][] = [
        ["no token", mgmt("AddSecondFactorToLoginPolicy", SMS, "")],
        ["no permission", mgmt("AddSecondFactorToLoginPolicy", SMS, viewer.token)],
        ["an invalid factor", mgmt("AddSecondFactorToLoginPolicy", { type: 0 })],
        ["an invalid redirect URI", mgmt("UpdateCustomLoginPolicy", { ...PASSWORD_ONLY, defaultRedirectUri: "javascript:x" })],
        ["a malformed If-Match", (headers) => mgmt("AddSecondFactorToLoginPolicy", SMS)({ ...headers, "if-match": '"' })],
        ["a stale version", (headers) => mgmt("AddSecondFactorToLoginPolicy", SMS)({ ...headers, "if-match": '"c1"' })],
        ["a factor already there", mgmt("AddSecondFactorToLoginPolicy", OTP)],
        ["a factor not there", mgmt("RemoveSecondFactorFromLoginPolicy", SMS)],
        ["no change", mgmt("UpdateCustomLoginPolicy", { ...PASSWORD_ONLY, forceMfa: true })],
        ["a lockout", mgmt("RemoveSecondFactorFromLoginPolicy", OTP)],
        ["a lockout of the default", (headers) => call(AdminService, "UpdateLoginPolicy", {}, headers)],
        ["no custom policy", mgmt("ResetLoginPolicyToDefault", {}, undefined, follower)],
      ];
      await writesNothing(async () => {
        for (const [name, make] of cases) {
          const dry = await make(DRY_RUN);
          expect({ name, ok: dry.ok }).toEqual({ name, ok: false });
          expect({ name, ...outcome(dry) }).toEqual({ name, ...outcome(await make({})) });
        }
        refused(await mgmt("AddSecondFactorToLoginPolicy", SMS)({ "x-lps-dry-run": "yes" }), Code.InvalidArgument, "POLICY-DryR1");
      });
    });
  });

  describe("lockout guards, each refused and allowed once the policy is safe", () => {
    const mgmt = (orgId: string) => (method: string, request: JsonObject = {}) => call(ManagementService, method, request, inOrg(orgId));

    it("forcing MFA with no factor allowed", async () => {
      const org = mgmt(await customOrg());
      const forced = { ...PASSWORD_ONLY, forceMfa: true };
      const refusal = refused(await writesNothing(() => org("UpdateCustomLoginPolicy", forced)), Code.FailedPrecondition, "Org-L0ckM");
      expect(refusal.message).toContain("allow a factor first");
      if (door === "rest") expect(refusal.httpStatus).toBe(400);
      refused(await org("UpdateCustomLoginPolicy", { ...PASSWORD_ONLY, forceMfaLocalOnly: true }), Code.FailedPrecondition, "Org-L0ckM");
      refused(await call(ManagementService, "AddCustomLoginPolicy", forced, inOrg(await principals.org())), Code.FailedPrecondition, "Org-L0ckM");
      ok(await org("AddSecondFactorToLoginPolicy", OTP));
      ok(await org("UpdateCustomLoginPolicy", forced));
    });

    it("removing the last factor while MFA is forced", async () => {
      const org = mgmt(await customOrg({ ...PASSWORD_ONLY, forceMfa: true, secondFactors: ["SECOND_FACTOR_TYPE_OTP"] }));
      const refusal = refused(await writesNothing(() => org("RemoveSecondFactorFromLoginPolicy", OTP)), Code.FailedPrecondition, "Org-L0ckF");
      expect(refusal.message).toContain("last allowed factor");
      ok(await org("UpdateCustomLoginPolicy", PASSWORD_ONLY));
      ok(await org("RemoveSecondFactorFromLoginPolicy", OTP));
    });

    it("leaving no way to sign in; passwordless counts only with the passkey multi-factor", async () => {
      const org = mgmt(await customOrg());
      const passwordless = { passwordlessType: "PASSWORDLESS_TYPE_ALLOWED" };
      refused(await writesNothing(() => org("UpdateCustomLoginPolicy", {})), Code.FailedPrecondition, "Org-L0ckS");
      refused(await org("UpdateCustomLoginPolicy", passwordless), Code.FailedPrecondition, "Org-L0ckS");
      ok(await org("AddMultiFactorToLoginPolicy", PASSKEY));
      ok(await org("UpdateCustomLoginPolicy", passwordless));
      // The passkey is now the only way in: removing it is refused ...
      refused(await org("RemoveMultiFactorFromLoginPolicy", PASSKEY), Code.FailedPrecondition, "Org-L0ckS");
      ok(await org("UpdateCustomLoginPolicy", { allowExternalIdp: true }));
      // ... and allowed while another way is left, as in ZITADEL.
      ok(await org("RemoveMultiFactorFromLoginPolicy", PASSKEY));
    });

    it("on the default, which every organization that follows it inherits", async () => {
      const follower = await principals.org();
      const refusal = refused(await writesNothing(() => call(AdminService, "UpdateLoginPolicy", {})), Code.FailedPrecondition, "INSTANCE-L0ckS");
      expect(refusal.message).toContain("every organization without a custom one");
      expect(ok(await call(ManagementService, "GetLoginPolicy", {}, inOrg(follower))).isDefault).toBe(true);
      const original = ok(await call(AdminService, "GetLoginPolicy")).policy;
      const safe = { allowUsernamePassword: true, allowExternalIdp: true, passwordlessType: "PASSWORDLESS_TYPE_ALLOWED" };
      const forced = { ...safe, forceMfa: true };
      ok(await call(AdminService, "UpdateLoginPolicy", forced));
      try {
        ok(await call(AdminService, "RemoveSecondFactorFromLoginPolicy", OTP));
        ok(await call(AdminService, "RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_U2F" }));
        refused(await writesNothing(() => call(AdminService, "RemoveMultiFactorFromLoginPolicy", PASSKEY)), Code.FailedPrecondition, "INSTANCE-L0ckF");
        ok(await call(AdminService, "UpdateLoginPolicy", safe));
        ok(await call(AdminService, "RemoveMultiFactorFromLoginPolicy", PASSKEY));
        refused(await writesNothing(() => call(AdminService, "UpdateLoginPolicy", forced)), Code.FailedPrecondition, "INSTANCE-L0ckM");
        ok(await call(AdminService, "AddMultiFactorToLoginPolicy", PASSKEY));
        ok(await call(AdminService, "UpdateLoginPolicy", forced));
      } finally {
        ok(await call(AdminService, "UpdateLoginPolicy", { ...safe, forceMfa: false }));
        for (const type of ["SECOND_FACTOR_TYPE_OTP", "SECOND_FACTOR_TYPE_U2F"]) ok(await call(AdminService, "AddSecondFactorToLoginPolicy", { type }));
        const restored = ok(await call(AdminService, "UpdateLoginPolicy", settingsOf(original)));
        expect(restored.details.sequence).toBeDefined();
      }
    });
  });

  describe("who a change of the default reaches", () => {
    it("is counted on a dry run and a real change of the default, and listed in pages, ordered, with the totals", async () => {
      const followers = [await principals.org(), await principals.org()];
      await customOrg();
      const all = ok(await call(PolicyReachService, "ListLoginPolicyReach", { limit: 1000 }));
      const following = all.result.filter((org: any) => org.followsDefault).map((org: any) => org.orgId);
      expect(following).toEqual(expect.arrayContaining(followers));
      expect(Number(all.followingDefault)).toBe(following.length);
      expect(Number(all.custom)).toBe(all.result.length - following.length);
      expect(Number(all.details.totalResult)).toBe(all.result.length);
      const names = all.result.map((org: any) => org.orgName);
      expect(names).toEqual([...names].sort());

      const dry = await writesNothing(() => call(AdminService, "AddSecondFactorToLoginPolicy", SMS, DRY_RUN));
      expect(dry.headers.get("x-lps-affected-organizations")).toBe(String(following.length));
      const real = await call(AdminService, "AddSecondFactorToLoginPolicy", SMS);
      expect(real.headers.get("x-lps-affected-organizations")).toBe(String(following.length));
      expect(outcome(dry)).toEqual(outcome(real));
      ok(await call(AdminService, "RemoveSecondFactorFromLoginPolicy", SMS));
      // A change of one organization's policy reaches that organization only: no count.
      expect((await call(ManagementService, "GetLoginPolicy", {}, inOrg(followers[0]!))).headers.get("x-lps-affected-organizations")).toBeNull();

      const pages = [];
      for (let offset = 0; offset < all.result.length; offset += 2) {
        const page = ok(await call(PolicyReachService, "ListLoginPolicyReach", { offset: String(offset), limit: 2 }));
        expect(page.details.totalResult).toBe(all.details.totalResult);
        pages.push(...page.result);
      }
      expect(pages).toEqual(all.result);
      const custom = ok(await call(PolicyReachService, "ListLoginPolicyReach", { filter: "LOGIN_POLICY_REACH_FILTER_CUSTOM" }));
      expect(custom.result.every((org: any) => !org.followsDefault)).toBe(true);
      expect(Number(custom.details.totalResult)).toBe(Number(all.custom));
      const followingOnly = ok(await call(PolicyReachService, "ListLoginPolicyReach", { filter: "LOGIN_POLICY_REACH_FILTER_FOLLOWING_DEFAULT" }));
      expect(followingOnly.result.map((org: any) => org.orgId)).toEqual(following);
      refused(await call(PolicyReachService, "ListLoginPolicyReach", { limit: 1001 }), Code.InvalidArgument, "POLICY-R3chL");
    });

    it("needs iam.policy.read, which organization roles do not grant", async () => {
      const orgId = await principals.org();
      const owner = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER"] } });
      refused(await caller(door, owner.token)(PolicyReachService, "ListLoginPolicyReach"), Code.PermissionDenied, "AUTH-5mWD2");
      const viewer = await principals.machineUser(orgId, { instance: ["IAM_OWNER_VIEWER"] });
      ok(await caller(door, viewer.token)(PolicyReachService, "ListLoginPolicyReach"));
    });
  });
});

/** The settings of a policy read, as UpdateLoginPolicy takes them. */
function settingsOf(policy: Record<string, unknown>): JsonObject {
  const { details: _details, isDefault: _isDefault, secondFactors: _second, multiFactors: _multi, idps: _idps, ...settings } = policy;
  return settings as JsonObject;
}
