/** The aggregate types: each is one kind of event stream. */
export const INSTANCE = "instance";
export const ORG = "org";
export const USER = "user";

/** The aggregates that own a login policy: the instance (default) and organizations (custom). */
export type PolicyOwnerType = typeof INSTANCE | typeof ORG;

/** Where a membership grants roles: on the instance, or on one organization. */
export type MembershipScope = typeof INSTANCE | typeof ORG;
