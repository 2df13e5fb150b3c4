/**
 * SettingsService (ZITADEL's v2 settings API): GetLoginSettings, the login policy in effect
 * for an organization or the instance. The service's other methods are declared but not
 * served (the call core answers them Unimplemented). Thin: convert, call, convert back.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import { GetLoginSettingsResponseSchema, type SettingsService } from "../../gen/zitadel/settings/v2/settings_service_pb.js";
import type { LoginPolicyQueries } from "../query/login-policy-queries.js";
import { orgOf, readsOf } from "./call-values.js";
import { loginSettingsToProto, settingsDetails } from "./login-settings-converter.js";
import { policyAnswer } from "./policy-answers.js";

export function settingsService(queries: LoginPolicyQueries): Partial<ServiceImpl<typeof SettingsService>> {
  return {
    async getLoginSettings(req, ctx) {
      // Authorization admitted the caller to an organization (ctx.org_id, x-zitadel-orgid or
      // the caller's own) in every case; ctx.instance then reads the default, as Management's
      // GetDefaultLoginPolicy does.
      const { policy, isDefault } =
        req.ctx?.resourceOwner.case === "instance" && req.ctx.resourceOwner.value
          ? { policy: await queries.defaultPolicy(readsOf(ctx)), isDefault: true }
          : await queries.orgPolicy(orgOf(ctx), readsOf(ctx));
      return policyAnswer(GetLoginSettingsResponseSchema, policy, isDefault, () => ({ details: settingsDetails(policy), settings: loginSettingsToProto(policy, isDefault) }));
    },
  };
}
