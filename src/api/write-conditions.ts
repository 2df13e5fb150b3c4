/**
 * A write's conditions, read from its request headers (the same on every protocol): the
 * precondition of If-Match, checked by the command on the policy as it finds it under its
 * lock, and the dry run of x-lps-dry-run.
 */
import type { PolicyState, WriteConditions } from "../command/login-policy-commands.js";
import { invalidArgument, PreconditionFailed } from "../errors.js";
import { policyVersion } from "../query/policy-version.js";
import { entityTag, parseIfMatch, type VersionMatch } from "./entity-tag.js";
import { DRY_RUN_HEADER, IF_MATCH_HEADER } from "./policy-headers.js";

export function writeConditionsOf(header: Headers): WriteConditions {
  const ifMatch = header.get(IF_MATCH_HEADER);
  return {
    precondition: ifMatch === null ? undefined : versionIn(parseIfMatch(ifMatch)),
    dryRun: isDryRun(header.get(DRY_RUN_HEADER)),
  };
}

function versionIn(match: VersionMatch): (current: PolicyState) => void {
  return (current) => {
    const version = policyVersion(current);
    if (match.any || match.versions.includes(version)) return;
    throw new PreconditionFailed(
      "POLICY-Pr3c0",
      "Errors.LoginPolicy.VersionMismatch",
      `the policy changed since it was read and is at version ${entityTag(version)} now; read it again, then decide`,
      entityTag(version),
    );
  };
}

/** Only "true" and "false" (in any case): a misspelt dry run must not write. */
function isDryRun(value: string | null): boolean {
  if (value === null) return false;
  const word = value.trim().toLowerCase();
  if (word === "true" || word === "false") return word === "true";
  throw invalidArgument("POLICY-DryR1", "Errors.Request.InvalidDryRun", `${DRY_RUN_HEADER} must be "true" or "false"`);
}
