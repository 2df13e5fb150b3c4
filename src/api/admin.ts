/** AdminService: the instance's default login policy. Thin: convert, call, convert back. */
import type { ServiceImpl } from "@connectrpc/connect";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import type { LoginPolicyCommands, PolicyOwner } from "../command/login-policy-commands.js";
import { INSTANCE } from "../events/aggregates.js";
import type { LoginPolicyQueries } from "../query/login-policy-queries.js";
import { callerOf } from "./call-values.js";
import { factorHandlers } from "./factor-handlers.js";
import { loginPolicyToProto, settingsFromProto, writeDetails } from "./login-policy-converter.js";

export function adminService(
  instanceId: string,
  commands: LoginPolicyCommands,
  queries: LoginPolicyQueries,
): ServiceImpl<typeof AdminService> {
  const owner: PolicyOwner = { type: INSTANCE, id: instanceId };
  return {
    async getLoginPolicy() {
      return { policy: loginPolicyToProto(await queries.defaultPolicy(), true) };
    },
    async updateLoginPolicy(req, ctx) {
      const result = await commands.updateSettings(owner, settingsFromProto(req), callerOf(ctx).userId);
      return { details: writeDetails(result) };
    },
    ...factorHandlers(commands, { owner: () => owner, policy: () => queries.defaultPolicy() }),
  };
}
