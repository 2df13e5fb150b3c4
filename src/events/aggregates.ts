/** The aggregate types: each is one kind of event stream. */
export const INSTANCE = "instance";
export const ORG = "org";

/** The aggregates that own a login policy: the instance (default) and organizations (custom). */
export type PolicyOwnerType = typeof INSTANCE | typeof ORG;
