/** Events of the organization aggregate other than its login policy. */
export const ORG_ADDED = "org.added";

export interface OrgAdded {
  readonly name: string;
}
