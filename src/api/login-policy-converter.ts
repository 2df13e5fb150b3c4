/**
 * Converts between the login-policy messages and the domain: nothing else. Unknown enum
 * numbers and out-of-range values stop here with InvalidArgument.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate, type Duration, type DurationSchema } from "@bufbuild/protobuf/wkt";
import {
  LoginPolicySchema,
  MultiFactorType,
  MultiFactorTypeSchema,
  PasswordlessType,
  PasswordlessTypeSchema,
  SecondFactorType,
  SecondFactorTypeSchema,
} from "../../gen/zitadel/policy/v1/login_policy_pb.js";
import type { ListDetailsSchema, ObjectDetailsSchema } from "../../gen/zitadel/v1/object_pb.js";
import type { WriteResult } from "../command/write-result.js";
import type { FactorKind, MultiFactor, SecondFactor } from "../domain/factors.js";
import type { Lifetime } from "../domain/lifetime.js";
import type { Factor, LoginPolicySettings, PasswordlessType as DomainPasswordless } from "../domain/login-policy.js";
import { invalidArgument, type DomainError } from "../errors.js";
import type { LoginPolicyDocument } from "../projections/login-policy-projection.js";
import { enumMapping } from "./enum-mapping.js";

const factorTypes = {
  second: enumMapping<SecondFactorType, SecondFactor>(SecondFactorTypeSchema, [
    [SecondFactorType.OTP, "otp"],
    [SecondFactorType.U2F, "u2f"],
    [SecondFactorType.OTP_EMAIL, "otp_email"],
    [SecondFactorType.OTP_SMS, "otp_sms"],
  ]),
  multi: enumMapping<MultiFactorType, MultiFactor>(MultiFactorTypeSchema, [
    [MultiFactorType.U2F_WITH_VERIFICATION, "u2f_with_verification"],
  ]),
};

const passwordlessTypes = enumMapping<PasswordlessType, DomainPasswordless>(PasswordlessTypeSchema, [
  [PasswordlessType.NOT_ALLOWED, "not_allowed"],
  [PasswordlessType.ALLOWED, "allowed"],
]);

/** The proto enum of each factor kind. */
export interface FactorTypes {
  second: SecondFactorType;
  multi: MultiFactorType;
}

/**
 * A factor type from a request; 0 and numbers the enum does not define are refused with
 * `invalid`, the error the operation raises for it.
 */
export function factorFromProto<K extends FactorKind>(kind: K, value: FactorTypes[K], invalid: (explanation: string) => DomainError): Factor<K> {
  const mapping = factorTypes[kind];
  const factor = (mapping.toDomain as (v: number) => string | undefined)(value);
  if (factor === undefined) throw invalid(`type must be one of ${mapping.names.join(", ")} (got ${value})`);
  return factor as Factor<K>;
}

export function factorsToProto<K extends FactorKind>(kind: K, factors: readonly Factor<K>[]): FactorTypes[K][] {
  const toProto = factorTypes[kind].toProto as (f: Factor<K>) => FactorTypes[K];
  return factors.map(toProto);
}

/** The settings fields that the Update and AddCustom requests share, by their generated names. */
export interface SettingsFields {
  allowUsernamePassword: boolean;
  allowRegister: boolean;
  allowExternalIdp: boolean;
  forceMfa: boolean;
  passwordlessType: PasswordlessType;
  hidePasswordReset: boolean;
  ignoreUnknownUsernames: boolean;
  defaultRedirectUri: string;
  passwordCheckLifetime?: Duration;
  externalLoginCheckLifetime?: Duration;
  mfaInitSkipLifetime?: Duration;
  secondFactorCheckLifetime?: Duration;
  multiFactorCheckLifetime?: Duration;
  allowDomainDiscovery: boolean;
  disableLoginWithEmail: boolean;
  disableLoginWithPhone: boolean;
  forceMfaLocalOnly: boolean;
  useDefaultUriForNotificationLinks: boolean;
}

export function settingsFromProto(fields: SettingsFields): LoginPolicySettings {
  const passwordlessType = passwordlessTypes.toDomain(fields.passwordlessType);
  if (passwordlessType === undefined) {
    throw invalidArgument(
      "POLICY-Pwl3s",
      "Errors.LoginPolicy.InvalidPasswordlessType",
      `passwordless_type must be one of ${passwordlessTypes.names.join(", ")} (got ${fields.passwordlessType})`,
    );
  }
  return {
    allowUsernamePassword: fields.allowUsernamePassword,
    allowRegister: fields.allowRegister,
    allowExternalIdp: fields.allowExternalIdp,
    forceMfa: fields.forceMfa,
    forceMfaLocalOnly: fields.forceMfaLocalOnly,
    passwordlessType,
    hidePasswordReset: fields.hidePasswordReset,
    ignoreUnknownUsernames: fields.ignoreUnknownUsernames,
    allowDomainDiscovery: fields.allowDomainDiscovery,
    disableLoginWithEmail: fields.disableLoginWithEmail,
    disableLoginWithPhone: fields.disableLoginWithPhone,
    defaultRedirectUri: fields.defaultRedirectUri,
    useDefaultUriForNotificationLinks: fields.useDefaultUriForNotificationLinks,
    passwordCheckLifetime: lifetimeFromProto(fields.passwordCheckLifetime),
    externalLoginCheckLifetime: lifetimeFromProto(fields.externalLoginCheckLifetime),
    mfaInitSkipLifetime: lifetimeFromProto(fields.mfaInitSkipLifetime),
    secondFactorCheckLifetime: lifetimeFromProto(fields.secondFactorCheckLifetime),
    multiFactorCheckLifetime: lifetimeFromProto(fields.multiFactorCheckLifetime),
  };
}

/** An absent duration is zero, as proto3 reads it. Out-of-range values fail validation later. */
function lifetimeFromProto(value: Duration | undefined): Lifetime {
  return { seconds: Number(value?.seconds ?? 0n), nanos: value?.nanos ?? 0 };
}

function lifetimeToProto(value: Lifetime): MessageInitShape<typeof DurationSchema> {
  return { seconds: BigInt(value.seconds), nanos: value.nanos };
}

export function loginPolicyToProto(doc: LoginPolicyDocument, isDefault: boolean): MessageInitShape<typeof LoginPolicySchema> {
  const s = doc.settings;
  return {
    details: readDetails(doc),
    allowUsernamePassword: s.allowUsernamePassword,
    allowRegister: s.allowRegister,
    allowExternalIdp: s.allowExternalIdp,
    forceMfa: s.forceMfa,
    passwordlessType: passwordlessTypes.toProto(s.passwordlessType),
    isDefault,
    hidePasswordReset: s.hidePasswordReset,
    ignoreUnknownUsernames: s.ignoreUnknownUsernames,
    defaultRedirectUri: s.defaultRedirectUri,
    passwordCheckLifetime: lifetimeToProto(s.passwordCheckLifetime),
    externalLoginCheckLifetime: lifetimeToProto(s.externalLoginCheckLifetime),
    mfaInitSkipLifetime: lifetimeToProto(s.mfaInitSkipLifetime),
    secondFactorCheckLifetime: lifetimeToProto(s.secondFactorCheckLifetime),
    multiFactorCheckLifetime: lifetimeToProto(s.multiFactorCheckLifetime),
    secondFactors: factorsToProto("second", doc.factors.second),
    multiFactors: factorsToProto("multi", doc.factors.multi),
    idps: [],
    allowDomainDiscovery: s.allowDomainDiscovery,
    disableLoginWithEmail: s.disableLoginWithEmail,
    disableLoginWithPhone: s.disableLoginWithPhone,
    forceMfaLocalOnly: s.forceMfaLocalOnly,
    useDefaultUriForNotificationLinks: s.useDefaultUriForNotificationLinks,
  };
}

/** Details of a read: the last event reduced, and the policy's first and last event times. */
function readDetails(doc: LoginPolicyDocument): MessageInitShape<typeof ObjectDetailsSchema> {
  return {
    sequence: BigInt(doc.sequence),
    creationDate: timestampFromDate(new Date(doc.createdAt)),
    changeDate: timestampFromDate(new Date(doc.changedAt)),
    resourceOwner: doc.ownerId,
  };
}

/** Details of a change: its last event's sequence, and its events' time as both dates. */
export function writeDetails(result: WriteResult): MessageInitShape<typeof ObjectDetailsSchema> {
  const at = timestampFromDate(result.at);
  return { sequence: BigInt(result.sequence), creationDate: at, changeDate: at, resourceOwner: result.resourceOwner };
}

export function listDetails(doc: LoginPolicyDocument, total: number): MessageInitShape<typeof ListDetailsSchema> {
  return {
    totalResult: BigInt(total),
    processedSequence: BigInt(doc.sequence),
    viewTimestamp: timestampFromDate(new Date(doc.changedAt)),
  };
}
