/** What creating an organization appends and claims, for every path that creates one. */
import { invalidArgument } from "../errors.js";
import { ORG } from "../events/aggregates.js";
import { ORG_ADDED, type OrgAdded } from "../events/org.js";
import type { Append, UniqueConstraint } from "../eventstore/store.js";

const MAX_NAME_LENGTH = 200;

export const ORG_NAME_CONSTRAINT = "org_name";

export interface OrgCreation {
  readonly append: Append;
  readonly claim: UniqueConstraint;
}

/** Organization names are unique per instance, ignoring case and surrounding spaces. */
export function orgNameConstraint(name: string): UniqueConstraint {
  return { kind: ORG_NAME_CONSTRAINT, value: name.trim().toLowerCase() };
}

export function orgCreation(orgId: string, name: string): OrgCreation {
  const trimmed = name.trim();
  if (trimmed === "" || trimmed.length > MAX_NAME_LENGTH) {
    throw invalidArgument("Org-N4me1", "Errors.Org.InvalidName", `an organization name has 1 to ${MAX_NAME_LENGTH} characters`);
  }
  const payload: OrgAdded = { name: trimmed };
  return {
    append: {
      aggregate: { type: ORG, id: orgId },
      resourceOwner: orgId,
      expectedSequence: 0,
      events: [{ type: ORG_ADDED, payload }],
    },
    claim: orgNameConstraint(trimmed),
  };
}
