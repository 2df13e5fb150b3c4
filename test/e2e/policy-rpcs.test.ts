/**
 * Every login-policy RPC through an independent gRPC client (@grpc/grpc-js with stubs from
 * the proto files), against the real server on a fresh SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient, type GrpcResult } from "../../harness/grpc-js-client.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { expectError, expectOk } from "../support/grpc-outcomes.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let client: GrpcJsClient;
let orgId: string;

beforeAll(async () => {
  server = await startTestServer();
  client = new GrpcJsClient(`127.0.0.1:${server.address.port}`, undefined, {}, bearer(server.adminToken));
  orgId = server.instance.defaultOrgId;
});

afterAll(async () => {
  client.close();
  await server.close();
  removeTempDirs();
});

const admin = (method: string, request: object = {}) => client.call("admin", method, request);
const mgmt = (method: string, request: object = {}, headers: Record<string, string> = {}) =>
  client.call("management", method, request, headers);

function failure(result: GrpcResult, code: status, id: string, key: string) {
  expectError(result, { code, id, key });
}

const settings = {
  allowUsernamePassword: true,
  allowRegister: false,
  allowExternalIdp: true,
  forceMfa: true,
  passwordlessType: "PASSWORDLESS_TYPE_ALLOWED",
  hidePasswordReset: true,
  ignoreUnknownUsernames: false,
  defaultRedirectUri: "https://app.example.com/home",
  passwordCheckLifetime: { seconds: "3600", nanos: 0 },
  externalLoginCheckLifetime: { seconds: "7200", nanos: 0 },
  mfaInitSkipLifetime: { seconds: "0", nanos: 0 },
  secondFactorCheckLifetime: { seconds: "1800", nanos: 500 },
  multiFactorCheckLifetime: { seconds: "900", nanos: 0 },
  allowDomainDiscovery: false,
  disableLoginWithEmail: true,
  disableLoginWithPhone: false,
  forceMfaLocalOnly: true,
  useDefaultUriForNotificationLinks: true,
};

function expectWriteDetails(details: Record<string, any>, resourceOwner: string) {
  expect(Number(details.sequence)).toBeGreaterThan(0);
  expect(details.creationDate).toEqual(details.changeDate);
  expect(details.resourceOwner).toBe(resourceOwner);
}

describe("AdminService", () => {
  it("reads the default policy the instance started with", async () => {
    const { policy } = expectOk(await admin("GetLoginPolicy"));
    expect(policy).toMatchObject({
      isDefault: true,
      allowUsernamePassword: true,
      passwordlessType: "PASSWORDLESS_TYPE_ALLOWED",
      secondFactors: ["SECOND_FACTOR_TYPE_OTP", "SECOND_FACTOR_TYPE_U2F"],
      multiFactors: ["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"],
      idps: [],
      passwordCheckLifetime: { seconds: "864000", nanos: 0 },
      details: { resourceOwner: server.instance.id },
    });
  });

  it("adds, lists and removes multi-factors, with ZITADEL's errors for repeats", async () => {
    failure(
      await admin("AddMultiFactorToLoginPolicy", { type: "MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION" }),
      status.ALREADY_EXISTS,
      "INSTANCE-3M9od",
      "Errors.IAM.LoginPolicy.MFA.AlreadyExists",
    );
    const removed = expectOk(await admin("RemoveMultiFactorFromLoginPolicy", { type: 1 }));
    expectWriteDetails(removed.details, server.instance.id);
    failure(
      await admin("RemoveMultiFactorFromLoginPolicy", { type: 1 }),
      status.NOT_FOUND,
      "INSTANCE-3M9df",
      "Errors.IAM.LoginPolicy.MFA.NotExisting",
    );
    const listed = expectOk(await admin("ListLoginPolicyMultiFactors"));
    expect(listed.result).toEqual([]);
    expect(listed.details.totalResult).toBe("0");
    expect(listed.details.processedSequence).toBe(removed.details.sequence);

    const added = expectOk(await admin("AddMultiFactorToLoginPolicy", { type: 1 }));
    expect(BigInt(added.details.sequence)).toBe(BigInt(removed.details.sequence) + 1n);
    expect(expectOk(await admin("ListLoginPolicyMultiFactors")).result).toEqual(["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"]);
  });

  it("adds, lists and removes second factors", async () => {
    expectOk(await admin("AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }));
    failure(
      await admin("AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }),
      status.ALREADY_EXISTS,
      "INSTANCE-2B0ps",
      "Errors.IAM.LoginPolicy.MFA.AlreadyExists",
    );
    const listed = expectOk(await admin("ListLoginPolicySecondFactors"));
    expect(listed.result).toEqual(["SECOND_FACTOR_TYPE_OTP", "SECOND_FACTOR_TYPE_U2F", "SECOND_FACTOR_TYPE_OTP_SMS"]);
    expect(listed.details.totalResult).toBe("3");
    expectOk(await admin("RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }));
    failure(
      await admin("RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }),
      status.NOT_FOUND,
      "INSTANCE-3M9od",
      "Errors.IAM.LoginPolicy.MFA.NotExisting",
    );
  });

  it("refuses unspecified and undefined factor types, with ZITADEL's ID for each method", async () => {
    for (const [method, type, id] of [
      ["AddMultiFactorToLoginPolicy", 0, "INSTANCE-5m9fs"],
      ["AddMultiFactorToLoginPolicy", 7, "INSTANCE-5m9fs"],
      ["RemoveMultiFactorFromLoginPolicy", 0, "INSTANCE-33m9F"],
      ["RemoveSecondFactorFromLoginPolicy", 0, "INSTANCE-55n8s"],
      ["AddSecondFactorToLoginPolicy", 99, "INSTANCE-5m9fs"],
    ] as const) {
      const result = await admin(method, { type });
      failure(result, status.INVALID_ARGUMENT, id, "Errors.IAM.LoginPolicy.MFA.Unspecified");
      if (!result.ok) expect(result.message).toContain(`got ${type}`);
    }
  });

  it("replaces the settings and keeps the factors; an identical update is FailedPrecondition", async () => {
    const updated = expectOk(await admin("UpdateLoginPolicy", settings));
    expectWriteDetails(updated.details, server.instance.id);
    const { policy } = expectOk(await admin("GetLoginPolicy"));
    expect(policy).toMatchObject({ ...settings, isDefault: true });
    expect(policy.secondFactors).toEqual(["SECOND_FACTOR_TYPE_OTP", "SECOND_FACTOR_TYPE_U2F"]);
    expect(policy.details.sequence).toBe(updated.details.sequence);
    expect(policy.details.changeDate).toEqual(updated.details.changeDate);
    failure(await admin("UpdateLoginPolicy", settings), status.FAILED_PRECONDITION, "INSTANCE-5M9vdd", "Errors.IAM.LoginPolicy.NotChanged");
  });

  it("refuses settings out of range", async () => {
    failure(
      await admin("UpdateLoginPolicy", { ...settings, passwordCheckLifetime: { seconds: "-5", nanos: 0 } }),
      status.INVALID_ARGUMENT,
      "POLICY-Lt0vd",
      "Errors.LoginPolicy.InvalidLifetime",
    );
    failure(
      await admin("UpdateLoginPolicy", { ...settings, passwordlessType: 5 }),
      status.INVALID_ARGUMENT,
      "POLICY-Pwl3s",
      "Errors.LoginPolicy.InvalidPasswordlessType",
    );
    failure(
      await admin("UpdateLoginPolicy", { ...settings, defaultRedirectUri: "no scheme" }),
      status.INVALID_ARGUMENT,
      "IAM-SFdqd",
      "Errors.IAM.LoginPolicy.RedirectURIInvalid",
    );
  });
});

describe("ManagementService", () => {
  it("reads the default policy for an organization without its own, marked as default", async () => {
    const response = expectOk(await mgmt("GetLoginPolicy"));
    expect(response.isDefault).toBe(true);
    expect(response.policy.isDefault).toBe(true);
    expect(response.policy.details.resourceOwner).toBe(server.instance.id);
    const byDefault = expectOk(await mgmt("GetDefaultLoginPolicy"));
    expect(byDefault.policy).toEqual(response.policy);
  });

  it("lets a change of the default reach organizations without their own at once", async () => {
    expectOk(await admin("AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_EMAIL" }));
    expect(expectOk(await mgmt("ListLoginPolicySecondFactors")).result).toContain("SECOND_FACTOR_TYPE_OTP_EMAIL");
    expectOk(await admin("RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_EMAIL" }));
    expect(expectOk(await mgmt("ListLoginPolicySecondFactors")).result).not.toContain("SECOND_FACTOR_TYPE_OTP_EMAIL");
    expect(expectOk(await mgmt("ListLoginPolicyMultiFactors")).result).toEqual(["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"]);
  });

  it("refuses factor changes and updates without a custom policy, saying to add one first", async () => {
    for (const [method, request, id] of [
      ["AddMultiFactorToLoginPolicy", { type: 1 }, "Org-N0cst"],
      ["RemoveMultiFactorFromLoginPolicy", { type: 1 }, "Org-N0cst"],
      ["AddSecondFactorToLoginPolicy", { type: 1 }, "Org-N0cst"],
      ["RemoveSecondFactorFromLoginPolicy", { type: 1 }, "Org-N0cst"],
      ["UpdateCustomLoginPolicy", settings, "Org-M0sif"],
    ] as const) {
      const result = await mgmt(method, request);
      failure(result, status.NOT_FOUND, id, "Errors.Org.LoginPolicy.NotFound");
      // As @grpc/grpc-js hands it to its users: every character as sent, ":" included.
      if (!result.ok) {
        expect(result.message).toBe(
          `Errors.Org.LoginPolicy.NotFound (${id}): the organization has no custom login policy and uses the default one; add a custom login policy first (AddCustomLoginPolicy)`,
        );
      }
    }
    failure(await mgmt("ResetLoginPolicyToDefault"), status.NOT_FOUND, "Org-GHB37", "Errors.Org.LoginPolicy.NotFound");
  });

  it("refuses bad redirect URIs and factor types with ZITADEL's ID for each method", async () => {
    failure(
      await mgmt("AddCustomLoginPolicy", { ...settings, defaultRedirectUri: "javascript:alert(1)" }),
      status.INVALID_ARGUMENT,
      "Org-WSfdq",
      "Errors.Org.LoginPolicy.RedirectURIInvalid",
    );
    failure(
      await mgmt("AddCustomLoginPolicy", { ...settings, secondFactors: [0] }),
      status.INVALID_ARGUMENT,
      "Org-SFeea",
      "Errors.Org.LoginPolicy.MFA.Unspecified",
    );
    failure(
      await mgmt("UpdateCustomLoginPolicy", { ...settings, defaultRedirectUri: "javascript:alert(1)" }),
      status.INVALID_ARGUMENT,
      "Org-Sfd21",
      "Errors.Org.LoginPolicy.RedirectURIInvalid",
    );
    for (const [method, id] of [
      ["AddSecondFactorToLoginPolicy", "Org-5m9fs"],
      ["RemoveSecondFactorFromLoginPolicy", "Org-55n8s"],
      ["AddMultiFactorToLoginPolicy", "Org-5m9fs"],
      ["RemoveMultiFactorFromLoginPolicy", "Org-5m9fs"],
    ] as const) {
      failure(await mgmt(method, { type: 0 }), status.INVALID_ARGUMENT, id, "Errors.Org.LoginPolicy.MFA.Unspecified");
    }
  });

  it("refuses identity providers in a custom policy, and policies naming a factor twice", async () => {
    const result = await mgmt("AddCustomLoginPolicy", { ...settings, idps: [{ idpId: "1", ownerType: "IDP_OWNER_TYPE_ORG" }] });
    failure(result, status.INVALID_ARGUMENT, "Org-1dPs0", "Errors.Org.LoginPolicy.IDPsNotSupported");
    if (!result.ok) expect(result.message).toContain("identity providers are not managed by this service");
    failure(
      await mgmt("AddCustomLoginPolicy", { ...settings, secondFactors: [1, 1] }),
      status.INVALID_ARGUMENT,
      "Org-Dup1f",
      "Errors.Org.LoginPolicy.MFA.Duplicate",
    );
    failure(
      await mgmt("AddCustomLoginPolicy", { ...settings, multiFactors: [0] }),
      status.INVALID_ARGUMENT,
      "Org-WSfrg",
      "Errors.Org.LoginPolicy.MFA.Unspecified",
    );
  });

  it("manages a custom policy from creation to reset", async () => {
    const added = expectOk(
      await mgmt("AddCustomLoginPolicy", {
        ...settings,
        secondFactors: ["SECOND_FACTOR_TYPE_OTP_EMAIL"],
        multiFactors: ["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"],
      }),
    );
    expectWriteDetails(added.details, orgId);
    failure(await mgmt("AddCustomLoginPolicy", settings), status.ALREADY_EXISTS, "Org-Dgfb2", "Errors.Org.LoginPolicy.AlreadyExists");

    const read = expectOk(await mgmt("GetLoginPolicy"));
    expect(read.isDefault).toBe(false);
    expect(read.policy).toMatchObject({
      ...settings,
      isDefault: false,
      secondFactors: ["SECOND_FACTOR_TYPE_OTP_EMAIL"],
      multiFactors: ["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"],
      details: { sequence: added.details.sequence, resourceOwner: orgId, creationDate: added.details.creationDate },
    });

    failure(
      await mgmt("AddMultiFactorToLoginPolicy", { type: 1 }),
      status.ALREADY_EXISTS,
      "Org-3M9od",
      "Errors.Org.LoginPolicy.MFA.AlreadyExists",
    );
    failure(
      await mgmt("AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_EMAIL" }),
      status.ALREADY_EXISTS,
      "Org-2B0ps",
      "Errors.Org.LoginPolicy.MFA.AlreadyExists",
    );
    expectOk(await mgmt("RemoveMultiFactorFromLoginPolicy", { type: 1 }));
    failure(
      await mgmt("RemoveMultiFactorFromLoginPolicy", { type: 1 }),
      status.NOT_FOUND,
      "Org-3M9df",
      "Errors.Org.LoginPolicy.MFA.NotExisting",
    );
    expectOk(await mgmt("AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_U2F" }));
    expectOk(await mgmt("RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_EMAIL" }));
    expect(expectOk(await mgmt("ListLoginPolicySecondFactors")).result).toEqual(["SECOND_FACTOR_TYPE_U2F"]);
    expect(expectOk(await mgmt("ListLoginPolicyMultiFactors")).result).toEqual([]);

    // The default changes; the custom policy does not follow.
    expectOk(await admin("AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }));
    expect(expectOk(await mgmt("ListLoginPolicySecondFactors")).result).toEqual(["SECOND_FACTOR_TYPE_U2F"]);
    expectOk(await admin("RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP_SMS" }));

    const changed = expectOk(await mgmt("UpdateCustomLoginPolicy", { ...settings, allowRegister: true }));
    expectWriteDetails(changed.details, orgId);
    failure(
      await mgmt("UpdateCustomLoginPolicy", { ...settings, allowRegister: true }),
      status.FAILED_PRECONDITION,
      "Org-5M9vdd",
      "Errors.Org.LoginPolicy.NotChanged",
    );
    expect(expectOk(await mgmt("GetLoginPolicy")).policy.allowRegister).toBe(true);

    const reset = expectOk(await mgmt("ResetLoginPolicyToDefault"));
    expectWriteDetails(reset.details, orgId);
    expect(expectOk(await mgmt("GetLoginPolicy")).isDefault).toBe(true);
    failure(await mgmt("ResetLoginPolicyToDefault"), status.NOT_FOUND, "Org-GHB37", "Errors.Org.LoginPolicy.NotFound");
  });

  it("acts on the organization the x-zitadel-orgid header names, and refuses one that does not exist", async () => {
    expect(expectOk(await mgmt("GetLoginPolicy", {}, { "x-zitadel-orgid": orgId })).isDefault).toBe(true);
    failure(
      await mgmt("GetLoginPolicy", {}, { "x-zitadel-orgid": "123456789" }),
      status.PERMISSION_DENIED,
      "AUTH-5mWD2",
      "Errors.Permission.Denied",
    );
  });
});
