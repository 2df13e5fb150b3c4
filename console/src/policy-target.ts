/**
 * Whose login policy the console shows and changes: the instance's default, or one
 * organization's (the caller's own, or one named by its ID). Every read and change goes
 * through here, and every change is given the policy it was based on, so that sending that
 * version as a precondition, or asking for a dry run first, is a change of this file alone.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { UpdateLoginPolicyRequest, UpdateLoginPolicyRequestSchema } from "../../gen/zitadel/admin/v1/admin_pb.js";
import type { LoginPolicy, MultiFactorType, SecondFactorType } from "../../gen/zitadel/policy/v1/login_policy_pb.js";
import { ORG_HEADER, type ApiClients } from "./api-clients.js";

/** The settings every policy has besides its factors, by the generated field names. */
export type PolicySettings = Exclude<MessageInitShape<typeof UpdateLoginPolicyRequestSchema>, UpdateLoginPolicyRequest>;

export type FactorChange =
  | { readonly kind: "second"; readonly type: SecondFactorType; readonly enabled: boolean }
  | { readonly kind: "multi"; readonly type: MultiFactorType; readonly enabled: boolean };

export interface EffectivePolicy {
  readonly policy: LoginPolicy;
  /** True when an organization has no policy of its own and follows the default. */
  readonly inherited: boolean;
}

/** "instance", "org:own" for the caller's own organization, or "org:<ID>". */
export type TargetKey = string;

export const INSTANCE_KEY: TargetKey = "instance";
export const OWN_ORG_KEY: TargetKey = "org:own";

export interface PolicyTarget {
  readonly key: TargetKey;
  readonly kind: "instance" | "org";
  /** The organization's ID; none for the instance and for the caller's own organization. */
  readonly orgId?: string;
  read(): Promise<EffectivePolicy>;
  setFactor(change: FactorChange, basis: EffectivePolicy): Promise<void>;
  /** Saves the settings: updates the policy, or gives an organization that follows the default a policy of its own. */
  saveSettings(settings: PolicySettings, basis: EffectivePolicy): Promise<void>;
  /** Drops an organization's own policy, so that it follows the default again; the instance has none to drop. */
  readonly resetToDefault?: (basis: EffectivePolicy) => Promise<void>;
  /**
   * Asks for a change the server must refuse whoever asks (the unspecified second factor),
   * and so changes nothing: PermissionDenied if the caller may not change this policy, an
   * invalid-argument refusal if it may, since the service checks permissions first.
   */
  probeWrite(): Promise<void>;
}

export function instanceTarget(clients: ApiClients): PolicyTarget {
  const { admin } = clients;
  return {
    key: INSTANCE_KEY,
    kind: "instance",
    async read() {
      const { policy } = await admin.getLoginPolicy({});
      return { policy: policy!, inherited: false };
    },
    async setFactor(change) {
      if (change.kind === "second") {
        if (change.enabled) await admin.addSecondFactorToLoginPolicy({ type: change.type });
        else await admin.removeSecondFactorFromLoginPolicy({ type: change.type });
      } else if (change.enabled) await admin.addMultiFactorToLoginPolicy({ type: change.type });
      else await admin.removeMultiFactorFromLoginPolicy({ type: change.type });
    },
    async saveSettings(settings) {
      await admin.updateLoginPolicy(settings);
    },
    async probeWrite() {
      await admin.addSecondFactorToLoginPolicy({});
    },
  };
}

/** @param orgId  the organization, or none for the caller's own */
export function orgTarget(clients: ApiClients, orgId: string | undefined): PolicyTarget {
  const { management } = clients;
  const headers: Record<string, string> = orgId ? { [ORG_HEADER]: orgId } : {};
  const options = { headers };
  return {
    key: orgId ? `org:${orgId}` : OWN_ORG_KEY,
    kind: "org",
    orgId,
    async read() {
      const { policy, isDefault } = await management.getLoginPolicy({}, options);
      return { policy: policy!, inherited: isDefault };
    },
    async setFactor(change) {
      if (change.kind === "second") {
        if (change.enabled) await management.addSecondFactorToLoginPolicy({ type: change.type }, options);
        else await management.removeSecondFactorFromLoginPolicy({ type: change.type }, options);
      } else if (change.enabled) await management.addMultiFactorToLoginPolicy({ type: change.type }, options);
      else await management.removeMultiFactorFromLoginPolicy({ type: change.type }, options);
    },
    async saveSettings(settings, basis) {
      if (!basis.inherited) {
        await management.updateCustomLoginPolicy(settings, options);
        return;
      }
      // The new policy starts with the factors the organization had from the default.
      const { secondFactors, multiFactors } = basis.policy;
      await management.addCustomLoginPolicy({ ...settings, secondFactors, multiFactors }, options);
    },
    async resetToDefault() {
      await management.resetLoginPolicyToDefault({}, options);
    },
    async probeWrite() {
      await management.addSecondFactorToLoginPolicy({}, options);
    },
  };
}
