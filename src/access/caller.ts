/** The authenticated party behind a call. */
export interface Caller {
  /** The user ID that memberships name and events record as their creator. */
  readonly userId: string;
  /**
   * The caller's own organization: the one Management calls act on without a header. A JWT
   * of an external issuer may name none.
   */
  readonly orgId?: string;
}
