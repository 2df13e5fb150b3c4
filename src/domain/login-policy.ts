/**
 * A login policy: how users may sign in, for the whole instance (the default policy) or for
 * one organization (a custom policy). Its settings change together; its factors one by one.
 */
import { invalidArgument } from "../errors.js";
import type { FactorKind, MultiFactor, SecondFactor } from "./factors.js";
import { hours, isValidLifetime, sameLifetime, type Lifetime } from "./lifetime.js";

export type PasswordlessType = "not_allowed" | "allowed";

/** Every setting of a login policy except its factors and identity providers. */
export interface LoginPolicySettings {
  readonly allowUsernamePassword: boolean;
  readonly allowRegister: boolean;
  readonly allowExternalIdp: boolean;
  readonly forceMfa: boolean;
  readonly forceMfaLocalOnly: boolean;
  readonly passwordlessType: PasswordlessType;
  readonly hidePasswordReset: boolean;
  readonly ignoreUnknownUsernames: boolean;
  readonly allowDomainDiscovery: boolean;
  readonly disableLoginWithEmail: boolean;
  readonly disableLoginWithPhone: boolean;
  readonly defaultRedirectUri: string;
  readonly useDefaultUriForNotificationLinks: boolean;
  readonly passwordCheckLifetime: Lifetime;
  readonly externalLoginCheckLifetime: Lifetime;
  readonly mfaInitSkipLifetime: Lifetime;
  readonly secondFactorCheckLifetime: Lifetime;
  readonly multiFactorCheckLifetime: Lifetime;
}

export const LIFETIME_SETTINGS = [
  "passwordCheckLifetime",
  "externalLoginCheckLifetime",
  "mfaInitSkipLifetime",
  "secondFactorCheckLifetime",
  "multiFactorCheckLifetime",
] as const satisfies readonly (keyof LoginPolicySettings)[];

/** A policy's factors by kind, each list in the order the factors were enabled. */
export interface LoginPolicyFactors {
  readonly second: readonly SecondFactor[];
  readonly multi: readonly MultiFactor[];
}

/** A factor of either kind. */
export type Factor<K extends FactorKind> = LoginPolicyFactors[K][number];

/** The settings a new instance starts with (ZITADEL's defaults). */
export const DEFAULT_SETTINGS: LoginPolicySettings = {
  allowUsernamePassword: true,
  allowRegister: true,
  allowExternalIdp: true,
  forceMfa: false,
  forceMfaLocalOnly: false,
  passwordlessType: "allowed",
  hidePasswordReset: false,
  ignoreUnknownUsernames: false,
  allowDomainDiscovery: true,
  disableLoginWithEmail: false,
  disableLoginWithPhone: false,
  defaultRedirectUri: "",
  useDefaultUriForNotificationLinks: false,
  passwordCheckLifetime: hours(240),
  externalLoginCheckLifetime: hours(240),
  mfaInitSkipLifetime: hours(720),
  secondFactorCheckLifetime: hours(18),
  multiFactorCheckLifetime: hours(12),
};

/** The factors a new instance starts with, unless configured otherwise. */
export const DEFAULT_FACTORS: LoginPolicyFactors = {
  second: ["otp", "u2f"],
  multi: ["u2f_with_verification"],
};

const MAX_REDIRECT_URI_LENGTH = 2048;

/**
 * Whether users may be sent to the URI: an absolute http or https URI with a host, written
 * as such. Other schemes (javascript:, data:, file: ...) would run or show what the policy's
 * author chose in the user's browser. Whitespace and control characters, which URL parsers
 * drop silently, are refused rather than dropped, and so is any other character outside
 * printable ASCII, which a URI percent-encodes.
 */
function isWebUri(uri: string): boolean {
  // Printable ASCII only: a URI (RFC 3986) has nothing else, and a parser would drop some of it.
  if (uri.length > MAX_REDIRECT_URI_LENGTH || !/^https?:\/\//i.test(uri) || !/^[\x21-\x7e]*$/.test(uri)) return false;
  return URL.canParse(uri) && new URL(uri).hostname !== "";
}

/** Refuses settings no sign-in could honour. */
export function validateSettings(settings: LoginPolicySettings): void {
  for (const name of LIFETIME_SETTINGS) {
    if (!isValidLifetime(settings[name])) {
      throw invalidArgument(
        "POLICY-Lt0vd",
        "Errors.LoginPolicy.InvalidLifetime",
        `${name} must be a duration between 0 and 10000 years`,
      );
    }
  }
  const uri = settings.defaultRedirectUri;
  if (uri !== "" && !isWebUri(uri)) {
    throw invalidArgument(
      "POLICY-Rd1rk",
      "Errors.LoginPolicy.InvalidRedirectURI",
      `default_redirect_uri must be empty or an absolute http or https URI of at most ${MAX_REDIRECT_URI_LENGTH} characters`,
    );
  }
}

/** The settings that differ, with their new values. */
export function changedSettings(
  before: LoginPolicySettings,
  after: LoginPolicySettings,
): Partial<LoginPolicySettings> {
  const changes: Record<string, unknown> = {};
  for (const name of Object.keys(after) as (keyof LoginPolicySettings)[]) {
    const a = before[name];
    const b = after[name];
    const same = typeof a === "object" ? sameLifetime(a, b as Lifetime) : a === b;
    if (!same) changes[name] = b;
  }
  return changes as Partial<LoginPolicySettings>;
}
