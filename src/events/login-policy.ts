/**
 * Login-policy events. The instance and organizations share their shape; the aggregate type
 * prefixes the name, as in ZITADEL ("instance.policy.login.multifactor.added",
 * "org.policy.login.multifactor.added").
 */
import type { FactorKind, MultiFactor, SecondFactor } from "../domain/factors.js";
import type { LoginPolicySettings } from "../domain/login-policy.js";
import type { PolicyOwnerType } from "./aggregates.js";

export interface LoginPolicyEventTypes {
  /** Payload: LoginPolicySettings (all of them). */
  readonly added: string;
  /** Payload: the settings that changed, with their new values. */
  readonly changed: string;
  /** The custom policy was removed; the organization uses the default again. */
  readonly removed: string;
  readonly factorAdded: Readonly<Record<FactorKind, string>>;
  readonly factorRemoved: Readonly<Record<FactorKind, string>>;
}

function eventTypes(owner: PolicyOwnerType): LoginPolicyEventTypes {
  const prefix = `${owner}.policy.login`;
  return {
    added: `${prefix}.added`,
    changed: `${prefix}.changed`,
    removed: `${prefix}.removed`,
    factorAdded: { second: `${prefix}.secondfactor.added`, multi: `${prefix}.multifactor.added` },
    factorRemoved: { second: `${prefix}.secondfactor.removed`, multi: `${prefix}.multifactor.removed` },
  };
}

export const loginPolicyEvents: Readonly<Record<PolicyOwnerType, LoginPolicyEventTypes>> = {
  instance: eventTypes("instance"),
  org: eventTypes("org"),
};

export type LoginPolicyAdded = LoginPolicySettings;
export type LoginPolicyChanged = Partial<LoginPolicySettings>;

/** Payload of the factor events. */
export interface FactorChanged {
  readonly factor: SecondFactor | MultiFactor;
}
