/**
 * How the console names and shows the fields of a login policy. The views walk the
 * generated descriptors, so a field added to the proto shows up without a change here; this
 * file only gives the known ones readable names.
 */
import type { DescField } from "@bufbuild/protobuf";
import { timestampDate, type Duration, type Timestamp } from "@bufbuild/protobuf/wkt";
import { MultiFactorType, SecondFactorType } from "../../gen/zitadel/policy/v1/login_policy_pb.js";

const LABELS: Readonly<Record<string, string>> = {
  allowUsernamePassword: "Allow username and password",
  allowRegister: "Allow self-registration",
  allowExternalIdp: "Allow external identity providers",
  forceMfa: "Require a second factor",
  forceMfaLocalOnly: "Require a second factor for local users only",
  passwordlessType: "Passwordless sign-in (passkeys)",
  isDefault: "Is the instance default",
  hidePasswordReset: "Hide password reset",
  ignoreUnknownUsernames: "Ignore unknown usernames",
  defaultRedirectUri: "Default redirect URI",
  passwordCheckLifetime: "Password check lifetime",
  externalLoginCheckLifetime: "External login check lifetime",
  mfaInitSkipLifetime: "Second factor set-up may be skipped for",
  secondFactorCheckLifetime: "Second factor check lifetime",
  multiFactorCheckLifetime: "Multi-factor check lifetime",
  secondFactors: "Second factors",
  multiFactors: "Multi-factors",
  idps: "Identity providers",
  allowDomainDiscovery: "Allow domain discovery",
  disableLoginWithEmail: "Disable login with email",
  disableLoginWithPhone: "Disable login with phone",
  useDefaultUriForNotificationLinks: "Use the default URI in notification links",
};

export function fieldLabel(field: DescField): string {
  return LABELS[field.localName] ?? field.name.replaceAll("_", " ");
}

export const SECOND_FACTOR_LABELS: Readonly<Record<number, string>> = {
  [SecondFactorType.OTP]: "Authenticator app (TOTP)",
  [SecondFactorType.U2F]: "Security key (U2F)",
  [SecondFactorType.OTP_EMAIL]: "One-time code by email",
  [SecondFactorType.OTP_SMS]: "One-time code by SMS",
};

export const MULTI_FACTOR_LABELS: Readonly<Record<number, string>> = {
  [MultiFactorType.U2F_WITH_VERIFICATION]: "Passkey or FIDO2 key with user verification",
};

/** An enum value's readable name: "PASSWORDLESS_TYPE_ALLOWED" reads "allowed". */
export function enumValueLabel(field: DescField, value: number): string {
  const known = field.enum?.values.find((v) => v.number === value);
  return known ? known.localName.toLowerCase().replaceAll("_", " ") : String(value);
}

/** "240h", "1h30m", "45s", "0s": hours, minutes and seconds, as ZITADEL writes lifetimes. */
export function formatDuration(duration: Duration | undefined): string {
  const total = Number(duration?.seconds ?? 0n);
  const parts: [number, string][] = [
    [Math.floor(total / 3600), "h"],
    [Math.floor((total % 3600) / 60), "m"],
    [total % 60, "s"],
  ];
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join("") || "0s";
}

/** The number of seconds in "240h", "1h30m" or "90s"; undefined for anything else. */
export function parseDuration(text: string): bigint | undefined {
  const match = /^\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$/.exec(text);
  if (!match || !text.trim()) return undefined;
  const [hours, minutes, seconds] = match.slice(1).map((part) => BigInt(part ?? "0"));
  return hours! * 3600n + minutes! * 60n + seconds!;
}

export function formatTimestamp(timestamp: Timestamp | undefined): string {
  return timestamp ? timestampDate(timestamp).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "never";
}
