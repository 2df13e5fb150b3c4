/** What creating a machine user and issuing a token append, for every path that does so. */
import { invalidArgument } from "../errors.js";
import { USER } from "../events/aggregates.js";
import { MACHINE_USER_ADDED, PAT_ADDED, type MachineUserAdded, type PatAdded } from "../events/user.js";
import type { NewEvent } from "../eventstore/event.js";
import type { Append, UniqueConstraint } from "../eventstore/store.js";
import { newPersonalAccessToken } from "../identity/personal-access-token.js";

const USERNAME = /^[A-Za-z0-9._@-]{1,200}$/;

export interface UserCreation {
  readonly append: Append;
  readonly claim: UniqueConstraint;
}

/** Usernames are unique within their organization, ignoring case. */
export function usernameConstraint(orgId: string, username: string): UniqueConstraint {
  return { kind: "username", value: `${orgId}/${username.toLowerCase()}` };
}

export function machineUserCreation(userId: string, orgId: string, username: string, name: string): UserCreation {
  if (!USERNAME.test(username)) {
    throw invalidArgument(
      "USER-N4m3v",
      "Errors.User.InvalidUsername",
      "a username has 1 to 200 letters, digits and . _ @ -",
    );
  }
  const payload: MachineUserAdded = { username, name: name.trim() || username };
  return {
    append: {
      aggregate: { type: USER, id: userId },
      resourceOwner: orgId,
      expectedSequence: 0,
      events: [{ type: MACHINE_USER_ADDED, payload }],
    },
    claim: usernameConstraint(orgId, username),
  };
}

export interface IssuedToken {
  readonly tokenId: string;
  /** Shown once; only its hash is stored. */
  readonly token: string;
  readonly expiresAt?: string;
  readonly event: NewEvent<PatAdded>;
}

export function tokenIssue(tokenId: string, expiresAt?: Date): IssuedToken {
  const { token, hash } = newPersonalAccessToken();
  const expiry = expiresAt?.toISOString();
  return {
    tokenId,
    token,
    expiresAt: expiry,
    event: { type: PAT_ADDED, payload: { tokenId, tokenHash: hash, ...(expiry && { expiresAt: expiry }) } },
  };
}
