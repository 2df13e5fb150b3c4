/**
 * Every event type the service writes, with its aggregate type, and the payload fields that
 * are secrets: what the event search (AdminService.ListEvents) may tell and must not.
 */
import { INSTANCE, ORG, USER } from "./aggregates.js";
import { INSTANCE_ADDED, INSTANCE_DEFAULT_ORG_SET } from "./instance.js";
import { loginPolicyEvents, type LoginPolicyEventTypes } from "./login-policy.js";
import { memberEvents } from "./member.js";
import { ORG_ADDED } from "./org.js";
import { MACHINE_USER_ADDED, PAT_ADDED, PAT_REMOVED } from "./user.js";

export const AGGREGATE_TYPES: readonly string[] = [INSTANCE, ORG, USER];

function policyEventTypes(types: LoginPolicyEventTypes): string[] {
  return [types.added, types.changed, types.removed, ...Object.values(types.factorAdded), ...Object.values(types.factorRemoved)];
}

/** The instance's default policy is never removed; only organizations' custom policies are. */
export const EVENT_TYPES: readonly string[] = [
  INSTANCE_ADDED,
  INSTANCE_DEFAULT_ORG_SET,
  ...policyEventTypes(loginPolicyEvents.instance).filter((type) => type !== loginPolicyEvents.instance.removed),
  ...Object.values(memberEvents.instance),
  ORG_ADDED,
  ...policyEventTypes(loginPolicyEvents.org),
  ...Object.values(memberEvents.org),
  MACHINE_USER_ADDED,
  PAT_ADDED,
  PAT_REMOVED,
];

/**
 * Payload fields no reader of the log may see. A token's hash is enough to check a guessed
 * token offline, so it stays in the store, which needs it to find and revoke tokens.
 */
const SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  [PAT_ADDED]: ["tokenHash"],
  [PAT_REMOVED]: ["tokenHash"],
};

/** The payload as the event search shows it: without the event type's secret fields. */
export function publicPayload(type: string, payload: unknown): Record<string, unknown> {
  const fields = payload !== null && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  const secret = SECRET_FIELDS[type] ?? [];
  return Object.fromEntries(Object.entries(fields).filter(([field]) => !secret.includes(field)));
}
