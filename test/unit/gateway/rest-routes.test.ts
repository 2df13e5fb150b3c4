/**
 * Routes come from the google.api.http rules of the descriptors: the project's own, and a
 * service made here for the rules those do not use.
 */
import { describe, expect, it } from "@jest/globals";
import { POLICY_SERVICES } from "../../../src/service.js";
import { restRoutes } from "../../../src/server/gateway/rest-routes.js";
import { routeTable } from "../../../src/server/gateway/route-table.js";
import { annotatedService } from "../../support/annotated-service.js";

describe("the project's routes", () => {
  const routes = restRoutes(POLICY_SERVICES);

  it("are the RPCs of the API, under the prefix of each v1 service's package and at the whole path of v2 rules", () => {
    const listed = routes.map((route) => `${route.method} ${route.template.text} ${route.rpc.parent.name}.${route.rpc.name}`);
    expect(listed).toEqual([
      "GET /admin/v1/policies/login AdminService.GetLoginPolicy",
      "PUT /admin/v1/policies/login AdminService.UpdateLoginPolicy",
      "POST /admin/v1/policies/login/second_factors/_search AdminService.ListLoginPolicySecondFactors",
      "POST /admin/v1/policies/login/second_factors AdminService.AddSecondFactorToLoginPolicy",
      "DELETE /admin/v1/policies/login/second_factors/{type} AdminService.RemoveSecondFactorFromLoginPolicy",
      "POST /admin/v1/policies/login/multi_factors/_search AdminService.ListLoginPolicyMultiFactors",
      "POST /admin/v1/policies/login/multi_factors AdminService.AddMultiFactorToLoginPolicy",
      "DELETE /admin/v1/policies/login/multi_factors/{type} AdminService.RemoveMultiFactorFromLoginPolicy",
      "POST /admin/v1/events/_search AdminService.ListEvents",
      "POST /admin/v1/events/types/_search AdminService.ListEventTypes",
      "POST /admin/v1/aggregates/types/_search AdminService.ListAggregateTypes",
      "GET /management/v1/policies/login ManagementService.GetLoginPolicy",
      "GET /management/v1/policies/default/login ManagementService.GetDefaultLoginPolicy",
      "POST /management/v1/policies/login ManagementService.AddCustomLoginPolicy",
      "PUT /management/v1/policies/login ManagementService.UpdateCustomLoginPolicy",
      "DELETE /management/v1/policies/login ManagementService.ResetLoginPolicyToDefault",
      "POST /management/v1/policies/login/second_factors/_search ManagementService.ListLoginPolicySecondFactors",
      "POST /management/v1/policies/login/second_factors ManagementService.AddSecondFactorToLoginPolicy",
      "DELETE /management/v1/policies/login/second_factors/{type} ManagementService.RemoveSecondFactorFromLoginPolicy",
      "POST /management/v1/policies/login/auth_factors/_search ManagementService.ListLoginPolicyMultiFactors",
      "POST /management/v1/policies/login/multi_factors ManagementService.AddMultiFactorToLoginPolicy",
      "DELETE /management/v1/policies/login/multi_factors/{type} ManagementService.RemoveMultiFactorFromLoginPolicy",
      "GET /v1/policies/login/reach PolicyReachService.ListLoginPolicyReach",
      "GET /v1/policies/login/_watch LoginPolicyWatchService.WatchLoginPolicy",
      "GET /v1/policies/default/login/_watch LoginPolicyWatchService.WatchDefaultLoginPolicy",
      "GET /v2/settings SettingsService.GetGeneralSettings",
      "GET /v2/settings/login SettingsService.GetLoginSettings",
      "GET /v2/settings/login/idps SettingsService.GetActiveIdentityProviders",
      "GET /v2/settings/password/complexity SettingsService.GetPasswordComplexitySettings",
      "GET /v2/settings/password/expiry SettingsService.GetPasswordExpirySettings",
      "GET /v2/settings/branding SettingsService.GetBrandingSettings",
      "GET /v2/settings/domain SettingsService.GetDomainSettings",
      "GET /v2/settings/legal_support SettingsService.GetLegalAndSupportSettings",
      "GET /v2/settings/lockout SettingsService.GetLockoutSettings",
      "GET /v2/settings/security SettingsService.GetSecuritySettings",
      "PUT /v2/policies/security SettingsService.SetSecuritySettings",
      "GET /v2/settings/hosted_login_translation SettingsService.GetHostedLoginTranslation",
      "PUT /v2/settings/hosted_login_translation SettingsService.SetHostedLoginTranslation",
    ]);
  });

  it("read the body of exactly the rules that say body: \"*\"", () => {
    const withBody = routes.filter((route) => route.body.kind === "request").map((route) => `${route.method} ${route.template.text}`);
    expect(withBody).toEqual([
      "PUT /admin/v1/policies/login",
      "POST /admin/v1/policies/login/second_factors",
      "POST /admin/v1/policies/login/multi_factors",
      "POST /admin/v1/events/_search",
      "POST /admin/v1/events/types/_search",
      "POST /admin/v1/aggregates/types/_search",
      "POST /management/v1/policies/login",
      "PUT /management/v1/policies/login",
      "POST /management/v1/policies/login/second_factors",
      "POST /management/v1/policies/login/multi_factors",
      "PUT /v2/policies/security",
      "PUT /v2/settings/hosted_login_translation",
    ]);
    expect(routes.every((route) => route.body.kind !== "field")).toBe(true);
  });

  it("match by method and path, and tell which methods a path allows", () => {
    const table = routeTable(routes);
    const removal = table.match("DELETE", "/admin/v1/policies/login/second_factors/SECOND_FACTOR_TYPE_OTP");
    expect(removal?.route?.rpc.name).toBe("RemoveSecondFactorFromLoginPolicy");
    expect(removal?.route && [...removal.variables]).toEqual([["type", "SECOND_FACTOR_TYPE_OTP"]]);
    expect(table.match("PATCH", "/management/v1/policies/login")).toEqual({ allowed: ["GET", "HEAD", "POST", "PUT", "DELETE"] });
    // HEAD is served wherever GET is.
    expect(table.match("HEAD", "/admin/v1/policies/login")?.route?.rpc.name).toBe("GetLoginPolicy");
    expect(table.match("GET", "/management/v1/policies")).toBeUndefined();
  });
});

describe("rules beyond the project's", () => {
  it("add a route per additional binding, custom methods included, and a body field", () => {
    const service = annotatedService({
      pattern: { case: "post", value: "/things/{id}" },
      body: "inner",
      additionalBindings: [{ pattern: { case: "custom", value: { kind: "LINK", path: "/things/{id}/link" } } }],
    });
    const routes = restRoutes([service]);
    expect(routes.map((route) => `${route.method} ${route.template.text} ${route.body.kind}`)).toEqual([
      "POST /things/v1/things/{id} field",
      "LINK /things/v1/things/{id}/link none",
    ]);
  });

  it.each([
    [{ pattern: { case: "get", value: "/things/{missing}" } }, /path variable "missing" names no singular scalar field/],
    [{ pattern: { case: "get", value: "/things/{inner}" } }, /path variable "inner" names no singular scalar field/],
    [{ pattern: { case: "get", value: "/things/{sizes}" } }, /path variable "sizes" names no singular scalar field/],
    [{ pattern: { case: "post", value: "/things" }, body: "nothing" }, /body "nothing" names no top-level field/],
    [{ body: "*" }, /names no method and path/],
    [{ pattern: { case: "get", value: "things" } }, /path "things" does not start with "\/"/],
    [{ pattern: { case: "get", value: "/things" }, additionalBindings: [{ pattern: { case: "get", value: "/things" } }] }, /two RPCs are bound to GET \/things\/v1\/things/],
  ] as const)("refuse to start with a rule that cannot be served (%#)", (rule, problem) => {
    expect(() => restRoutes([annotatedService(rule as never)])).toThrow(problem);
  });
});
