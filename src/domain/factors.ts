/** The authentication factors a login policy can enable. */

/** Factors used after the password. */
export const SECOND_FACTORS = ["otp", "u2f", "otp_email", "otp_sms"] as const;
export type SecondFactor = (typeof SECOND_FACTORS)[number];

/** Factors that sign a user in without a password (passkeys). */
export const MULTI_FACTORS = ["u2f_with_verification"] as const;
export type MultiFactor = (typeof MULTI_FACTORS)[number];

/** Which of the two factor lists a factor belongs to. */
export const FACTOR_KINDS = ["second", "multi"] as const;
export type FactorKind = (typeof FACTOR_KINDS)[number];

export function isSecondFactor(value: string): value is SecondFactor {
  return (SECOND_FACTORS as readonly string[]).includes(value);
}

export function isMultiFactor(value: string): value is MultiFactor {
  return (MULTI_FACTORS as readonly string[]).includes(value);
}
