/** Users as documents keyed by user ID, with their tokens' metadata (never the hashes). */
import { MACHINE_USER_ADDED, PAT_ADDED, PAT_REMOVED, type MachineUserAdded, type PatAdded, type PatRemoved } from "../events/user.js";
import type { Projection } from "../eventstore/projection.js";

export interface TokenInfo {
  readonly id: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
}

export interface UserDocument {
  readonly id: string;
  readonly orgId: string;
  readonly username: string;
  readonly name: string;
  readonly createdAt: string;
  readonly tokens: readonly TokenInfo[];
}

export const USERS = "users";

export const userProjection: Projection<UserDocument> = {
  name: USERS,
  handles: new Set([MACHINE_USER_ADDED, PAT_ADDED, PAT_REMOVED]),
  key: (event) => event.aggregate.id,
  reduce: (doc, event) => {
    switch (event.type) {
      case MACHINE_USER_ADDED: {
        const { username, name } = event.payload as MachineUserAdded;
        const createdAt = event.createdAt.toISOString();
        return { id: event.aggregate.id, orgId: event.resourceOwner, username, name, createdAt, tokens: [] };
      }
      case PAT_ADDED: {
        const { tokenId, expiresAt } = event.payload as PatAdded;
        const token: TokenInfo = { id: tokenId, createdAt: event.createdAt.toISOString(), ...(expiresAt && { expiresAt }) };
        return doc && { ...doc, tokens: [...doc.tokens, token] };
      }
      default: {
        const { tokenId } = event.payload as PatRemoved;
        return doc && { ...doc, tokens: doc.tokens.filter((t) => t.id !== tokenId) };
      }
    }
  },
};
