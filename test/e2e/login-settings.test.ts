/**
 * ZITADEL's v2 settings read, GetLoginSettings, over gRPC, gRPC-Web, Connect and REST against
 * the real server: the same policy as the v1 GetLoginPolicy, field by field under the v2
 * names, for an organization that follows the default and one with its own policy, and for
 * the instance; the organization's permission checked where the request names it; and the
 * service's other methods answering Unimplemented.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";
import type { LoginPolicy } from "../../gen/zitadel/policy/v1/login_policy_pb.js";
import { type LoginSettings } from "../../gen/zitadel/settings/v2/login_settings_pb.js";
import { SettingsService } from "../../gen/zitadel/settings/v2/settings_service_pb.js";
import { ResourceOwnerType } from "../../gen/zitadel/settings/v2/settings_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { bearer, ORG_HEADER, transport, type ProtocolName } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { Principals, type Principal } from "../support/principals.js";
import { rest } from "../support/rest-client.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const PROTOCOLS: ProtocolName[] = ["connect-json", "connect-binary", "grpc-web", "grpc"];

let server: TestServer;
/** An organization that follows the default policy, and one with a custom policy of its own. */
let following: string;
let custom: string;
/** An owner of `following` only. */
let owner: Principal;

function clients(protocol: ProtocolName, headers: Record<string, string>) {
  const t = transport(protocol, server.url, headers);
  return { settings: createClient(SettingsService, t), management: createClient(ManagementService, t) };
}

beforeAll(async () => {
  server = await startTestServer();
  const principals = new Principals(server);
  following = await principals.org();
  custom = await principals.org();
  owner = await principals.machineUser(following, { orgs: { [following]: ["ORG_OWNER"] } });
  const { management } = clients("grpc", { ...bearer(server.adminToken), [ORG_HEADER]: custom });
  await management.addCustomLoginPolicy({
    // Signing in only with an external identity provider: unlike the default, and no lockout.
    allowUsernamePassword: false,
    allowExternalIdp: true,
    allowRegister: true,
    forceMfa: true,
    passwordlessType: 0,
    hidePasswordReset: true,
    ignoreUnknownUsernames: true,
    defaultRedirectUri: "https://custom.example.com/",
    passwordCheckLifetime: { seconds: 3600n, nanos: 500 },
    externalLoginCheckLifetime: { seconds: 7200n },
    mfaInitSkipLifetime: { seconds: 0n },
    secondFactorCheckLifetime: { seconds: 1800n },
    multiFactorCheckLifetime: { seconds: 900n },
    secondFactors: [4, 3],
    multiFactors: [],
    allowDomainDiscovery: false,
    disableLoginWithEmail: true,
    disableLoginWithPhone: true,
    forceMfaLocalOnly: true,
  });
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

/**
 * What GetLoginSettings must answer for a v1 policy: each v1 field under its v2 name. The
 * enums have the same numbers in both versions; is_default becomes resource_owner_type.
 */
function expectedSettings(policy: LoginPolicy): Partial<LoginSettings> {
  return {
    allowUsernamePassword: policy.allowUsernamePassword,
    allowRegister: policy.allowRegister,
    allowExternalIdp: policy.allowExternalIdp,
    forceMfa: policy.forceMfa,
    passkeysType: policy.passwordlessType as number,
    hidePasswordReset: policy.hidePasswordReset,
    ignoreUnknownUsernames: policy.ignoreUnknownUsernames,
    defaultRedirectUri: policy.defaultRedirectUri,
    passwordCheckLifetime: policy.passwordCheckLifetime,
    externalLoginCheckLifetime: policy.externalLoginCheckLifetime,
    mfaInitSkipLifetime: policy.mfaInitSkipLifetime,
    secondFactorCheckLifetime: policy.secondFactorCheckLifetime,
    multiFactorCheckLifetime: policy.multiFactorCheckLifetime,
    secondFactors: policy.secondFactors as number[],
    multiFactors: policy.multiFactors as number[],
    allowDomainDiscovery: policy.allowDomainDiscovery,
    disableLoginWithEmail: policy.disableLoginWithEmail,
    disableLoginWithPhone: policy.disableLoginWithPhone,
    resourceOwnerType: policy.isDefault ? ResourceOwnerType.INSTANCE : ResourceOwnerType.ORG,
    forceMfaLocalOnly: policy.forceMfaLocalOnly,
  };
}

async function failureOf(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("expected the call to fail");
}

describe.each(PROTOCOLS)("GetLoginSettings over %s", (protocol) => {
  let settings: Client<typeof SettingsService>;
  let management: Client<typeof ManagementService>;
  beforeAll(() => {
    ({ settings, management } = clients(protocol, bearer(server.adminToken)));
  });

  it.each([
    ["follows the default", () => following],
    ["has a custom policy", () => custom],
  ])("equals GetLoginPolicy field by field for an organization that %s", async (_, org) => {
    const { policy } = await management.getLoginPolicy({}, { headers: { [ORG_HEADER]: org() } });
    const answer = await settings.getLoginSettings({ ctx: { resourceOwner: { case: "orgId", value: org() } } });
    const { $typeName: _name, ...fields } = answer.settings!;
    expect(fields).toEqual(expectedSettings(policy!));
    expect(answer.details).toMatchObject({
      sequence: policy!.details!.sequence,
      resourceOwner: policy!.details!.resourceOwner,
      changeDate: policy!.details!.changeDate,
      creationDate: policy!.details!.creationDate,
    });
  });

  it("reads the instance's default for ctx.instance, as GetDefaultLoginPolicy does", async () => {
    const { policy } = await management.getDefaultLoginPolicy({}, { headers: { [ORG_HEADER]: custom } });
    const answer = await settings.getLoginSettings({ ctx: { resourceOwner: { case: "instance", value: true } } });
    expect(answer.settings).toMatchObject(expectedSettings(policy!));
    expect(answer.settings?.resourceOwnerType).toBe(ResourceOwnerType.INSTANCE);
    expect(answer.details?.resourceOwner).toBe(server.instance.id);
  });

  it("reads the organization x-zitadel-orgid names, or the caller's own, without ctx", async () => {
    const named = await settings.getLoginSettings({}, { headers: { [ORG_HEADER]: custom } });
    expect(named.details?.resourceOwner).toBe(custom);
    const own = await settings.getLoginSettings({});
    expect(own.settings?.resourceOwnerType).toBe(ResourceOwnerType.INSTANCE);
    expect(own.details?.resourceOwner).toBe(server.instance.id);
  });

  it("needs policy.read on the organization ctx names, whatever the header names", async () => {
    const { settings: asOwner } = clients(protocol, { ...bearer(owner.token), [ORG_HEADER]: following });
    const own = await asOwner.getLoginSettings({ ctx: { resourceOwner: { case: "orgId", value: following } } });
    expect(own.settings?.resourceOwnerType).toBe(ResourceOwnerType.INSTANCE);
    for (const orgId of [custom, "no-such-org"]) {
      const error = await failureOf(asOwner.getLoginSettings({ ctx: { resourceOwner: { case: "orgId", value: orgId } } }));
      expect(error.code).toBe(Code.PermissionDenied);
      expect(error.findDetails(ErrorDetailSchema)[0]?.id).toBe("AUTH-5mWD2");
    }
  });

  it("answers Unimplemented for the methods it does not serve, token or not", async () => {
    const { settings: anonymous } = clients(protocol, {});
    for (const client of [settings, anonymous]) {
      for (const call of [
        () => client.getBrandingSettings({}),
        () => client.getGeneralSettings({}),
        () => client.setSecuritySettings({ enableImpersonation: true }),
        () => client.getHostedLoginTranslation({ locale: "en" }),
      ]) {
        const error = await failureOf(call());
        expect(error.code).toBe(Code.Unimplemented);
        expect(error.findDetails(ErrorDetailSchema)).toEqual([
          expect.objectContaining({ id: "RPC-N0srv", message: "Errors.Request.MethodNotServed" }),
        ]);
      }
    }
  });
});

describe("GetLoginSettings over REST", () => {
  const get = (query: string, headers: Record<string, string> = {}) =>
    rest(server.url, "GET", `/v2/settings/login${query}`, { headers: { ...bearer(server.adminToken), ...headers } });

  it("reads an organization's settings named by ctx.orgId, in proto3 JSON with v2 names", async () => {
    const answer = await get(`?ctx.orgId=${custom}`);
    expect(answer.status).toBe(200);
    expect(answer.body.details.resourceOwner).toBe(custom);
    expect(answer.body.settings).toMatchObject({
      resourceOwnerType: "RESOURCE_OWNER_TYPE_ORG",
      secondFactors: ["SECOND_FACTOR_TYPE_OTP_SMS", "SECOND_FACTOR_TYPE_OTP_EMAIL"],
      passwordCheckLifetime: "3600.000000500s",
      defaultRedirectUri: "https://custom.example.com/",
    });
    expect(answer.body.settings.passkeysType).toBeUndefined();
  });

  it("reads the instance's with ctx.instance=true", async () => {
    const answer = await get("?ctx.instance=true", { [ORG_HEADER]: custom });
    expect(answer.status).toBe(200);
    expect(answer.body.settings).toMatchObject({ resourceOwnerType: "RESOURCE_OWNER_TYPE_INSTANCE", passkeysType: "PASSKEYS_TYPE_ALLOWED" });
  });

  it("answers 501 with an ErrorDetail on the routes of the methods it does not serve", async () => {
    for (const [method, path] of [
      ["GET", "/v2/settings/branding"],
      ["PUT", "/v2/policies/security"],
    ]) {
      const answer = await rest(server.url, method!, path!, { body: method === "PUT" ? {} : undefined });
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 501, code: Code.Unimplemented });
      expect(answer.body.details[0]).toMatchObject({ id: "RPC-N0srv", message: "Errors.Request.MethodNotServed" });
    }
  });
});
