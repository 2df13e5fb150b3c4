/**
 * The login policy in effect as ZITADEL's v2 LoginSettings: the same document the v1 reads
 * convert, under the v2 names and enums. Nothing else.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { DetailsSchema } from "../../gen/zitadel/object/v2/object_pb.js";
import {
  MultiFactorType,
  PasskeysType,
  SecondFactorType,
  type LoginSettingsSchema,
} from "../../gen/zitadel/settings/v2/login_settings_pb.js";
import { ResourceOwnerType } from "../../gen/zitadel/settings/v2/settings_pb.js";
import type { MultiFactor, SecondFactor } from "../domain/factors.js";
import type { Lifetime } from "../domain/lifetime.js";
import type { PasswordlessType } from "../domain/login-policy.js";
import type { LoginPolicyDocument } from "../projections/login-policy-projection.js";

const SECOND_FACTORS: Readonly<Record<SecondFactor, SecondFactorType>> = {
  otp: SecondFactorType.OTP,
  u2f: SecondFactorType.U2F,
  otp_email: SecondFactorType.OTP_EMAIL,
  otp_sms: SecondFactorType.OTP_SMS,
};

const MULTI_FACTORS: Readonly<Record<MultiFactor, MultiFactorType>> = {
  u2f_with_verification: MultiFactorType.U2F_WITH_VERIFICATION,
};

const PASSKEYS: Readonly<Record<PasswordlessType, PasskeysType>> = {
  not_allowed: PasskeysType.NOT_ALLOWED,
  allowed: PasskeysType.ALLOWED,
};

function duration(value: Lifetime) {
  return { seconds: BigInt(value.seconds), nanos: value.nanos };
}

/** `isDefault`: the policy is the instance's default (read for the instance, or followed by an organization). */
export function loginSettingsToProto(doc: LoginPolicyDocument, isDefault: boolean): MessageInitShape<typeof LoginSettingsSchema> {
  const s = doc.settings;
  return {
    allowUsernamePassword: s.allowUsernamePassword,
    allowRegister: s.allowRegister,
    allowExternalIdp: s.allowExternalIdp,
    forceMfa: s.forceMfa,
    passkeysType: PASSKEYS[s.passwordlessType],
    hidePasswordReset: s.hidePasswordReset,
    ignoreUnknownUsernames: s.ignoreUnknownUsernames,
    defaultRedirectUri: s.defaultRedirectUri,
    passwordCheckLifetime: duration(s.passwordCheckLifetime),
    externalLoginCheckLifetime: duration(s.externalLoginCheckLifetime),
    mfaInitSkipLifetime: duration(s.mfaInitSkipLifetime),
    secondFactorCheckLifetime: duration(s.secondFactorCheckLifetime),
    multiFactorCheckLifetime: duration(s.multiFactorCheckLifetime),
    secondFactors: doc.factors.second.map((factor) => SECOND_FACTORS[factor]),
    multiFactors: doc.factors.multi.map((factor) => MULTI_FACTORS[factor]),
    allowDomainDiscovery: s.allowDomainDiscovery,
    disableLoginWithEmail: s.disableLoginWithEmail,
    disableLoginWithPhone: s.disableLoginWithPhone,
    resourceOwnerType: isDefault ? ResourceOwnerType.INSTANCE : ResourceOwnerType.ORG,
    forceMfaLocalOnly: s.forceMfaLocalOnly,
  };
}

/** Details of a read: the last event reduced, and the policy's first and last event times. */
export function settingsDetails(doc: LoginPolicyDocument): MessageInitShape<typeof DetailsSchema> {
  return {
    sequence: BigInt(doc.sequence),
    changeDate: timestampFromDate(new Date(doc.changedAt)),
    resourceOwner: doc.ownerId,
    creationDate: timestampFromDate(new Date(doc.createdAt)),
  };
}
