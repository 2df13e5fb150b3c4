/**
 * What the caller may do, as the server answers it. There is no call that says who a token
 * belongs to or which roles it holds, so the console learns it from the calls themselves: a
 * read that succeeds, a harmless change the server must refuse (see PolicyTarget.probeWrite),
 * and any call refused with PermissionDenied, whose message becomes the reason shown next to
 * the controls it disables.
 */
import { Code } from "@connectrpc/connect";
import { describeFailure, isPermissionDenied, type Failure } from "./failure.js";

export interface Ability {
  /** Undefined when the answer did not tell (the service was unavailable, say). */
  readonly allowed: boolean | undefined;
  readonly reason?: string;
}

export interface TargetAbilities {
  readonly read: Ability;
  /** Changing the policy; resetting it is assumed to go with it (every role grants both) until the server refuses. */
  readonly write: Ability;
}

export const ALLOWED: Ability = { allowed: true };

export const NOT_CHECKED: Ability = { allowed: undefined, reason: "not checked yet" };

/** Refusals the service gives only after the caller's permission was checked and granted. */
const REFUSED_AFTER_PERMISSION = new Set([Code.InvalidArgument, Code.NotFound, Code.AlreadyExists, Code.FailedPrecondition].map((code) => Code[code]));

/** @param failure  how the call failed; none when it succeeded */
export function abilityFrom(failure: Failure | undefined): Ability {
  if (!failure || REFUSED_AFTER_PERMISSION.has(failure.code)) return ALLOWED;
  if (isPermissionDenied(failure)) return { allowed: false, reason: describeFailure(failure) };
  return { allowed: undefined, reason: `could not be checked: ${describeFailure(failure)}` };
}
