/**
 * Lockouts: login policies under which the users they govern could not sign in at all. A
 * change that would leave a policy in one of these states is refused (ZITADEL accepts it).
 * Only true lockouts count, nothing that merely looks odd: removing the passkey
 * multi-factor while username and password still work stays allowed, as in ZITADEL.
 */
import type { LoginPolicyFactors, LoginPolicySettings } from "./login-policy.js";

/** A policy as the rules judge it: its settings and its factors. */
export interface JudgedPolicy {
  readonly settings: LoginPolicySettings;
  readonly factors: LoginPolicyFactors;
}

/** Which rule a policy breaks. */
export type Lockout =
  /** MFA is forced, and no second factor and no multi-factor is allowed to meet it. */
  | "mfaForcedWithoutFactor"
  /** The change removes the last allowed factor while MFA is forced. */
  | "lastFactorRemovedWhileForced"
  /** No username and password, no external IdP, and no passwordless sign-in. */
  | "noWayToSignIn";

/**
 * The lockout the policy would be in after a change, if any.
 *
 * @param before  the policy before the change; undefined for a policy the change creates
 * @param after   the policy as the change would leave it
 */
export function lockoutAfter(before: JudgedPolicy | undefined, after: JudgedPolicy): Lockout | undefined {
  if (!hasWayToSignIn(after)) return "noWayToSignIn";
  if (forcesMfa(after) && !hasFactor(after)) {
    return before && forcesMfa(before) && hasFactor(before) ? "lastFactorRemovedWhileForced" : "mfaForcedWithoutFactor";
  }
  return undefined;
}

function forcesMfa({ settings }: JudgedPolicy): boolean {
  return settings.forceMfa || settings.forceMfaLocalOnly;
}

function hasFactor({ factors }: JudgedPolicy): boolean {
  return factors.second.length > 0 || factors.multi.length > 0;
}

/** Passwordless sign-in needs the passkey multi-factor (U2F with user verification) to be allowed. */
function hasWayToSignIn({ settings, factors }: JudgedPolicy): boolean {
  const passwordless = settings.passwordlessType === "allowed" && factors.multi.includes("u2f_with_verification");
  return settings.allowUsernamePassword || settings.allowExternalIdp || passwordless;
}
