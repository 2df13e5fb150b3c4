/**
 * The login-policy errors, each born here once with its ID written out, so that an ID found
 * in a log or a bug report leads to one line. ZITADEL raises the same failures with its own
 * IDs, per owner ("INSTANCE-3M9od", "Errors.IAM..." on the instance; "Org-3M9od",
 * "Errors.Org..." on organizations) and per operation; where it has one, it is used here, so
 * that callers who look for ZITADEL's IDs find them. ZITADEL gives a few IDs to two
 * failures (INSTANCE-3M9od is both "multi-factor already there" and "second factor not
 * there"); those are kept as they are, and the test of the IDs knows them. The IDs without
 * a counterpart in ZITADEL are ours.
 */
import type { FactorKind } from "../domain/factors.js";
import type { Lockout } from "../domain/lockout.js";
import { alreadyExists, DomainError, failedPrecondition, invalidArgument, notFound } from "../errors.js";
import type { PolicyOwnerType } from "../events/aggregates.js";

type Explained = (explanation: string) => DomainError;

/** What changes a factor: enabling it, or disabling it. */
export type FactorChange = "add" | "remove";

/** The failures both owners share, by operation. */
export interface LoginPolicyErrors {
  ownerNotFound(): DomainError;
  /** Update, or a factor change, on an owner without a policy. */
  policyNotFound(): DomainError;
  notChanged(): DomainError;
  /** Update with a default redirect URI that is not an http or https URI. */
  redirectUriInvalid: Explained;
  /** A factor type that is 0 or not defined, by kind and change. */
  factorInvalid: Readonly<Record<FactorKind, Readonly<Record<FactorChange, Explained>>>>;
  factorAlreadyExists: Readonly<Record<FactorKind, () => DomainError>>;
  factorNotExisting: Readonly<Record<FactorKind, () => DomainError>>;
  /** A change that would lock the policy's users out, by the rule it breaks. */
  lockout: Readonly<Record<Lockout, () => DomainError>>;
}

const NO_CUSTOM_POLICY =
  "the organization has no custom login policy and uses the default one; add a custom login policy first (AddCustomLoginPolicy)";

/** How to get out of each lockout, in the words of the API's fields. */
const LOCKOUT_FIX: Readonly<Record<Lockout, string>> = {
  mfaForcedWithoutFactor:
    "force_mfa or force_mfa_local_only is on while no second factor and no multi-factor is allowed, so no user could finish signing in; allow a factor first, or turn both off",
  lastFactorRemovedWhileForced:
    "this is the last allowed factor and MFA is forced, so no user could finish signing in; allow another factor first, or turn force_mfa and force_mfa_local_only off",
  noWayToSignIn:
    "no way to sign in would be left; allow username and password, an external identity provider, or passwordless sign-in with the U2F_WITH_VERIFICATION multi-factor",
};

/** The default governs more than its own instance: say so where it is refused. */
const DEFAULT_REACH = " (the default policy is the policy of every organization without a custom one)";

const instance: LoginPolicyErrors = {
  ownerNotFound: () => notFound("INSTANCE-Nf0wn", "Errors.Instance.NotFound"),
  policyNotFound: () => notFound("INSTANCE-M0sif", "Errors.IAM.LoginPolicy.NotFound"),
  notChanged: () => failedPrecondition("INSTANCE-5M9vdd", "Errors.IAM.LoginPolicy.NotChanged", "the policy already has these settings"),
  redirectUriInvalid: (why) => invalidArgument("IAM-SFdqd", "Errors.IAM.LoginPolicy.RedirectURIInvalid", why),
  factorInvalid: {
    second: {
      add: (why) => invalidArgument("INSTANCE-5m9fs", "Errors.IAM.LoginPolicy.MFA.Unspecified", why),
      remove: (why) => invalidArgument("INSTANCE-55n8s", "Errors.IAM.LoginPolicy.MFA.Unspecified", why),
    },
    multi: {
      add: (why) => invalidArgument("INSTANCE-5m9fs", "Errors.IAM.LoginPolicy.MFA.Unspecified", why),
      remove: (why) => invalidArgument("INSTANCE-33m9F", "Errors.IAM.LoginPolicy.MFA.Unspecified", why),
    },
  },
  factorAlreadyExists: {
    second: () => alreadyExists("INSTANCE-2B0ps", "Errors.IAM.LoginPolicy.MFA.AlreadyExists"),
    multi: () => alreadyExists("INSTANCE-3M9od", "Errors.IAM.LoginPolicy.MFA.AlreadyExists"),
  },
  factorNotExisting: {
    second: () => notFound("INSTANCE-3M9od", "Errors.IAM.LoginPolicy.MFA.NotExisting"),
    multi: () => notFound("INSTANCE-3M9df", "Errors.IAM.LoginPolicy.MFA.NotExisting"),
  },
  lockout: {
    mfaForcedWithoutFactor: () =>
      failedPrecondition("INSTANCE-L0ckM", "Errors.IAM.LoginPolicy.Lockout.MFAWithoutFactor", LOCKOUT_FIX.mfaForcedWithoutFactor + DEFAULT_REACH),
    lastFactorRemovedWhileForced: () =>
      failedPrecondition("INSTANCE-L0ckF", "Errors.IAM.LoginPolicy.Lockout.LastFactor", LOCKOUT_FIX.lastFactorRemovedWhileForced + DEFAULT_REACH),
    noWayToSignIn: () =>
      failedPrecondition("INSTANCE-L0ckS", "Errors.IAM.LoginPolicy.Lockout.NoSignIn", LOCKOUT_FIX.noWayToSignIn + DEFAULT_REACH),
  },
};

/** An organization's failures, with those only its custom policy has. */
export interface OrgLoginPolicyErrors extends LoginPolicyErrors {
  /** A factor change on an organization that follows the default: ZITADEL accepts it and changes nothing; we refuse. */
  factorsWithoutCustomPolicy(): DomainError;
  /** Reset of an organization that has no custom policy. */
  resetWithoutCustomPolicy(): DomainError;
  policyAlreadyExists(): DomainError;
  /** AddCustomLoginPolicy's own checks of what it is given. */
  customRedirectUriInvalid: Explained;
  customFactorInvalid: Readonly<Record<FactorKind, Explained>>;
  customFactorListedTwice(kind: FactorKind): DomainError;
}

const org: OrgLoginPolicyErrors = {
  ownerNotFound: () => notFound("Org-Nf0lp", "Errors.Org.NotFound"),
  policyNotFound: () => notFound("Org-M0sif", "Errors.Org.LoginPolicy.NotFound", NO_CUSTOM_POLICY),
  factorsWithoutCustomPolicy: () => notFound("Org-N0cst", "Errors.Org.LoginPolicy.NotFound", NO_CUSTOM_POLICY),
  resetWithoutCustomPolicy: () => notFound("Org-GHB37", "Errors.Org.LoginPolicy.NotFound", "the organization already follows the default login policy"),
  policyAlreadyExists: () => alreadyExists("Org-Dgfb2", "Errors.Org.LoginPolicy.AlreadyExists"),
  notChanged: () => failedPrecondition("Org-5M9vdd", "Errors.Org.LoginPolicy.NotChanged", "the policy already has these settings"),
  redirectUriInvalid: (why) => invalidArgument("Org-Sfd21", "Errors.Org.LoginPolicy.RedirectURIInvalid", why),
  customRedirectUriInvalid: (why) => invalidArgument("Org-WSfdq", "Errors.Org.LoginPolicy.RedirectURIInvalid", why),
  factorInvalid: {
    second: {
      add: (why) => invalidArgument("Org-5m9fs", "Errors.Org.LoginPolicy.MFA.Unspecified", why),
      remove: (why) => invalidArgument("Org-55n8s", "Errors.Org.LoginPolicy.MFA.Unspecified", why),
    },
    multi: {
      add: (why) => invalidArgument("Org-5m9fs", "Errors.Org.LoginPolicy.MFA.Unspecified", why),
      remove: (why) => invalidArgument("Org-5m9fs", "Errors.Org.LoginPolicy.MFA.Unspecified", why),
    },
  },
  customFactorInvalid: {
    second: (why) => invalidArgument("Org-SFeea", "Errors.Org.LoginPolicy.MFA.Unspecified", why),
    multi: (why) => invalidArgument("Org-WSfrg", "Errors.Org.LoginPolicy.MFA.Unspecified", why),
  },
  customFactorListedTwice: (kind) =>
    invalidArgument("Org-Dup1f", "Errors.Org.LoginPolicy.MFA.Duplicate", `a ${kind} factor is listed more than once`),
  factorAlreadyExists: {
    second: () => alreadyExists("Org-2B0ps", "Errors.Org.LoginPolicy.MFA.AlreadyExists"),
    multi: () => alreadyExists("Org-3M9od", "Errors.Org.LoginPolicy.MFA.AlreadyExists"),
  },
  factorNotExisting: {
    second: () => notFound("Org-3M9od", "Errors.Org.LoginPolicy.MFA.NotExisting"),
    multi: () => notFound("Org-3M9df", "Errors.Org.LoginPolicy.MFA.NotExisting"),
  },
  lockout: {
    mfaForcedWithoutFactor: () =>
      failedPrecondition("Org-L0ckM", "Errors.Org.LoginPolicy.Lockout.MFAWithoutFactor", LOCKOUT_FIX.mfaForcedWithoutFactor),
    lastFactorRemovedWhileForced: () =>
      failedPrecondition("Org-L0ckF", "Errors.Org.LoginPolicy.Lockout.LastFactor", LOCKOUT_FIX.lastFactorRemovedWhileForced),
    noWayToSignIn: () => failedPrecondition("Org-L0ckS", "Errors.Org.LoginPolicy.Lockout.NoSignIn", LOCKOUT_FIX.noWayToSignIn),
  },
};

export const loginPolicyErrors: { readonly [T in PolicyOwnerType]: T extends "org" ? OrgLoginPolicyErrors : LoginPolicyErrors } = {
  instance,
  org,
};
