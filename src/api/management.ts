/**
 * ManagementService: one organization's login policy (the organization comes from the
 * interceptors: the x-zitadel-orgid header or the caller's own). Thin: convert, call,
 * convert back.
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  GetDefaultLoginPolicyResponseSchema,
  GetLoginPolicyResponseSchema,
  ManagementService,
} from "../../gen/zitadel/management/v1/management_pb.js";
import type { LoginPolicyCommands, PolicyOwner } from "../command/login-policy-commands.js";
import { loginPolicyErrors } from "../command/login-policy-errors.js";
import { invalidArgument } from "../errors.js";
import { ORG } from "../events/aggregates.js";
import type { LoginPolicyQueries } from "../query/login-policy-queries.js";
import { callerOf, orgOf, readsOf } from "./call-values.js";
import { factorHandlers } from "./factor-handlers.js";
import { factorFromProto, loginPolicyToProto, settingsFromProto } from "./login-policy-converter.js";
import { policyAnswer } from "./policy-answers.js";
import { versionedWrite, versionRead } from "./versioned-calls.js";

export function managementService(
  commands: LoginPolicyCommands,
  queries: LoginPolicyQueries,
): ServiceImpl<typeof ManagementService> {
  const owner = (ctx: HandlerContext): PolicyOwner => ({ type: ORG, id: orgOf(ctx) });
  const creator = (ctx: HandlerContext) => callerOf(ctx).userId;
  const invalidFactor = loginPolicyErrors.org.customFactorInvalid;
  return {
    async getLoginPolicy(_req, ctx) {
      const { policy, isDefault } = versionRead(ctx, await queries.orgPolicy(orgOf(ctx), readsOf(ctx)));
      return policyAnswer(GetLoginPolicyResponseSchema, policy, isDefault, () => ({ policy: loginPolicyToProto(policy, isDefault), isDefault }));
    },
    async getDefaultLoginPolicy(_req, ctx) {
      const { policy } = versionRead(ctx, { policy: await queries.defaultPolicy(readsOf(ctx)), isDefault: true });
      return policyAnswer(GetDefaultLoginPolicyResponseSchema, policy, true, () => ({ policy: loginPolicyToProto(policy, true) }));
    },
    async addCustomLoginPolicy(req, ctx) {
      if (req.idps.length > 0) {
        throw invalidArgument(
          "Org-1dPs0",
          "Errors.Org.LoginPolicy.IDPsNotSupported",
          "identity providers are not managed by this service; send idps empty",
        );
      }
      const factors = {
        second: req.secondFactors.map((value) => factorFromProto("second", value, invalidFactor.second)),
        multi: req.multiFactors.map((value) => factorFromProto("multi", value, invalidFactor.multi)),
      };
      const settings = settingsFromProto(req);
      return versionedWrite(ctx, (conditions) => commands.addCustomPolicy(orgOf(ctx), settings, factors, creator(ctx), conditions));
    },
    async updateCustomLoginPolicy(req, ctx) {
      const settings = settingsFromProto(req);
      return versionedWrite(ctx, (conditions) => commands.updateSettings(owner(ctx), settings, creator(ctx), conditions));
    },
    async resetLoginPolicyToDefault(_req, ctx) {
      return versionedWrite(ctx, (conditions) => commands.resetToDefault(orgOf(ctx), creator(ctx), conditions));
    },
    ...factorHandlers(commands, { owner, policy: (ctx) => queries.orgPolicy(orgOf(ctx), readsOf(ctx)) }),
  };
}
