/** Events of the user aggregate: machine users and their personal access tokens. */
export const MACHINE_USER_ADDED = "user.machine.added";
export const PAT_ADDED = "user.personal.access.token.added";
export const PAT_REMOVED = "user.personal.access.token.removed";

export interface MachineUserAdded {
  readonly username: string;
  readonly name: string;
}

export interface PatAdded {
  readonly tokenId: string;
  /** SHA-256 of the token, hex: the token itself is never stored. */
  readonly tokenHash: string;
  /** ISO 8601, or absent for a token that does not expire. */
  readonly expiresAt?: string;
}

export interface PatRemoved {
  readonly tokenId: string;
  readonly tokenHash: string;
}
