/**
 * The login-policy errors, per owner: ZITADEL raises the same failures with different IDs
 * and keys on the instance ("INSTANCE-3M9od", "Errors.IAM...") and on organizations
 * ("Org-3M9od", "Errors.Org..."). IDs from ZITADEL are kept; the others are ours.
 */
import { alreadyExists, DomainError, failedPrecondition, invalidArgument, notFound } from "../errors.js";
import type { FactorKind } from "../domain/factors.js";
import type { PolicyOwnerType } from "../events/aggregates.js";

export interface LoginPolicyErrors {
  ownerNotFound(): DomainError;
  policyNotFound(): DomainError;
  policyAlreadyExists(): DomainError;
  notChanged(): DomainError;
  factorInvalid(kind: FactorKind, explanation: string): DomainError;
  factorAlreadyExists(kind: FactorKind): DomainError;
  factorNotExisting(kind: FactorKind): DomainError;
  duplicateFactor(kind: FactorKind): DomainError;
}

interface Vocabulary {
  readonly idPrefix: string;
  readonly keyPrefix: string;
  readonly ownerKey: string;
  readonly policyNotFoundExplanation?: string;
}

const vocabulary: Record<PolicyOwnerType, Vocabulary> = {
  instance: { idPrefix: "INSTANCE", keyPrefix: "Errors.IAM.LoginPolicy", ownerKey: "Errors.Instance.NotFound" },
  org: {
    idPrefix: "Org",
    keyPrefix: "Errors.Org.LoginPolicy",
    ownerKey: "Errors.Org.NotFound",
    policyNotFoundExplanation:
      "the organization has no custom login policy and uses the default one; add a custom login policy first (AddCustomLoginPolicy)",
  },
};

const factorExistsId: Record<FactorKind, string> = { multi: "3M9od", second: "2B0ps" };
const factorMissingId: Record<FactorKind, string> = { multi: "3M9df", second: "Sfd4n" };

function errorsFor(owner: PolicyOwnerType): LoginPolicyErrors {
  const { idPrefix, keyPrefix, ownerKey, policyNotFoundExplanation } = vocabulary[owner];
  const id = (suffix: string) => `${idPrefix}-${suffix}`;
  return {
    ownerNotFound: () => notFound(id("Nf0wn"), ownerKey),
    policyNotFound: () => notFound(id("M0sif"), `${keyPrefix}.NotFound`, policyNotFoundExplanation),
    policyAlreadyExists: () => alreadyExists(id("Dgfb2"), `${keyPrefix}.AlreadyExists`),
    notChanged: () => failedPrecondition(id("5M9vd"), `${keyPrefix}.NotChanged`, "the policy already has these settings"),
    factorInvalid: (_kind, explanation) => invalidArgument(id("5m9fs"), `${keyPrefix}.MFA.Unspecified`, explanation),
    factorAlreadyExists: (kind) => alreadyExists(id(factorExistsId[kind]), `${keyPrefix}.MFA.AlreadyExists`),
    factorNotExisting: (kind) => notFound(id(factorMissingId[kind]), `${keyPrefix}.MFA.NotExisting`),
    duplicateFactor: (kind) =>
      invalidArgument(id("Dup1f"), `${keyPrefix}.MFA.Duplicate`, `a ${kind} factor is listed more than once`),
  };
}

export const loginPolicyErrors: Readonly<Record<PolicyOwnerType, LoginPolicyErrors>> = {
  instance: errorsFor("instance"),
  org: errorsFor("org"),
};
