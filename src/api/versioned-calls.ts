/**
 * What every policy read and write answers besides its message: the version of the policy
 * (etag), and for a change of the instance's default how many organizations it reaches.
 * Handlers of both services run their calls through here, so no door or method differs.
 */
import type { HandlerContext } from "@connectrpc/connect";
import type { PolicyChange, PolicyState, WriteConditions } from "../command/login-policy-commands.js";
import { policyVersion } from "../query/policy-version.js";
import { entityTag } from "./entity-tag.js";
import { writeDetails } from "./login-policy-converter.js";
import { AFFECTED_ORGANIZATIONS_HEADER, ENTITY_TAG_HEADER } from "./policy-headers.js";
import { writeConditionsOf } from "./write-conditions.js";

/** Counts the organizations that follow the default, for changes of it. */
export type DefaultReach = () => Promise<number>;

/** Sends the version of the policy a read answers with. */
export function versionRead(ctx: HandlerContext, state: PolicyState): PolicyState {
  ctx.responseHeader.set(ENTITY_TAG_HEADER, entityTag(policyVersion(state)));
  return state;
}

/**
 * Runs a write under the call's conditions (If-Match, dry run) and answers its details with
 * the version it produced (or, in a dry run, would produce).
 *
 * @param reach  for a change of the default: who it reaches, counted once it is decided
 */
export async function versionedWrite(
  ctx: HandlerContext,
  write: (conditions: WriteConditions) => Promise<PolicyChange>,
  reach?: DefaultReach,
) {
  const change = await write(writeConditionsOf(ctx.requestHeader));
  ctx.responseHeader.set(ENTITY_TAG_HEADER, entityTag(policyVersion(change.after)));
  if (reach) ctx.responseHeader.set(AFFECTED_ORGANIZATIONS_HEADER, String(await reach()));
  return { details: writeDetails(change) };
}
