/**
 * Each user's roles, everywhere, in one document keyed by the user ID: authorizing a call
 * is one key lookup. Memberships are events of the instance and of organizations; the
 * document gathers them per user.
 */
import { INSTANCE } from "../events/aggregates.js";
import { memberEvents, type MemberRemoved, type MemberRoles } from "../events/member.js";
import type { ProjectedEvent, Projection } from "../eventstore/projection.js";

export interface MembershipDocument {
  /** Roles on the instance; they reach every organization. */
  readonly instance: readonly string[];
  /** Roles per organization ID. */
  readonly orgs: Readonly<Record<string, readonly string[]>>;
}

export const MEMBERSHIPS = "memberships";

const removals = new Set([memberEvents.instance.removed, memberEvents.org.removed]);

function withRoles(doc: MembershipDocument | undefined, event: ProjectedEvent, roles: readonly string[]): MembershipDocument | undefined {
  const current = doc ?? { instance: [], orgs: {} };
  let next: MembershipDocument;
  if (event.aggregate.type === INSTANCE) {
    next = { ...current, instance: roles };
  } else {
    const { [event.aggregate.id]: previous, ...others } = current.orgs;
    next = { ...current, orgs: roles.length > 0 ? { ...others, [event.aggregate.id]: roles } : others };
  }
  return next.instance.length === 0 && Object.keys(next.orgs).length === 0 ? undefined : next;
}

export const membershipProjection: Projection<MembershipDocument> = {
  name: MEMBERSHIPS,
  handles: new Set([...Object.values(memberEvents.instance), ...Object.values(memberEvents.org)]),
  key: (event) => (event.payload as MemberRoles | MemberRemoved).userId,
  reduce: (doc, event) => withRoles(doc, event, removals.has(event.type) ? [] : (event.payload as MemberRoles).roles),
};
