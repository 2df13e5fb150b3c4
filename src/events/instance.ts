/** Events of the instance aggregate other than its login policy. */
export const INSTANCE_ADDED = "instance.added";
/** The organization that callers without one of their own act on. */
export const INSTANCE_DEFAULT_ORG_SET = "instance.default.org.set";

export interface InstanceAdded {
  readonly name: string;
}

export interface InstanceDefaultOrgSet {
  readonly orgId: string;
}
