/**
 * The six factor methods (list, add, remove; second factors and multi-factors) have the
 * same names and shapes on AdminService and ManagementService; only whose policy they act
 * on differs. Both services take them from here.
 */
import type { HandlerContext } from "@connectrpc/connect";
import type { LoginPolicyCommands, PolicyOwner, PolicyState } from "../command/login-policy-commands.js";
import { loginPolicyErrors } from "../command/login-policy-errors.js";
import type { FactorKind } from "../domain/factors.js";
import { callerOf } from "./call-values.js";
import { factorFromProto, factorsToProto, listDetails, type FactorTypes } from "./login-policy-converter.js";
import { versionedWrite, versionRead, type DefaultReach } from "./versioned-calls.js";

export interface FactorTarget {
  /** Whose policy a change applies to. */
  owner(ctx: HandlerContext): PolicyOwner;
  /** The policy a list reads (for an organization, its custom or the default one). */
  policy(ctx: HandlerContext): Promise<PolicyState>;
  /** For the default policy: who its changes reach. */
  reach?: DefaultReach;
}

export function factorHandlers(commands: LoginPolicyCommands, target: FactorTarget) {
  const list =
    <K extends FactorKind>(kind: K) =>
    async (_req: unknown, ctx: HandlerContext) => {
      const { policy } = versionRead(ctx, await target.policy(ctx));
      const factors = policy.factors[kind];
      return { details: listDetails(policy, factors.length), result: factorsToProto(kind, factors) };
    };
  const change =
    <K extends FactorKind>(kind: K, action: "addFactor" | "removeFactor") =>
    async (req: { type: FactorTypes[K] }, ctx: HandlerContext) => {
      const owner = target.owner(ctx);
      const factor = factorFromProto(kind, req.type, loginPolicyErrors[owner.type].factorInvalid[kind][action === "addFactor" ? "add" : "remove"]);
      return versionedWrite(ctx, (conditions) => commands[action](owner, kind, factor, callerOf(ctx).userId, conditions), target.reach);
    };
  return {
    listLoginPolicySecondFactors: list("second"),
    addSecondFactorToLoginPolicy: change<"second">("second", "addFactor"),
    removeSecondFactorFromLoginPolicy: change<"second">("second", "removeFactor"),
    listLoginPolicyMultiFactors: list("multi"),
    addMultiFactorToLoginPolicy: change<"multi">("multi", "addFactor"),
    removeMultiFactorFromLoginPolicy: change<"multi">("multi", "removeFactor"),
  };
}
