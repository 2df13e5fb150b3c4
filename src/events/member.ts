/**
 * Membership events, in the stream of what the membership is on: the instance
 * ("instance.member.added") or an organization ("org.member.added").
 */
import type { MembershipScope } from "./aggregates.js";

export interface MemberEventTypes {
  /** Payload: MemberRoles. The user had no roles here before. */
  readonly added: string;
  /** Payload: MemberRoles, the full set after the change. */
  readonly changed: string;
  /** Payload: MemberRemoved. The user has no roles here any more. */
  readonly removed: string;
}

function eventTypes(scope: MembershipScope): MemberEventTypes {
  return { added: `${scope}.member.added`, changed: `${scope}.member.changed`, removed: `${scope}.member.removed` };
}

export const memberEvents: Readonly<Record<MembershipScope, MemberEventTypes>> = {
  instance: eventTypes("instance"),
  org: eventTypes("org"),
};

export interface MemberRoles {
  readonly userId: string;
  readonly roles: readonly string[];
}

export interface MemberRemoved {
  readonly userId: string;
}
