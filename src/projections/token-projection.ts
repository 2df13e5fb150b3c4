/**
 * Personal access tokens by the SHA-256 of the token: authenticating one is a single key
 * lookup. A revoked token's document is gone.
 */
import { PAT_ADDED, PAT_REMOVED, type PatAdded, type PatRemoved } from "../events/user.js";
import type { Projection } from "../eventstore/projection.js";

export interface TokenDocument {
  readonly tokenId: string;
  readonly userId: string;
  /** The organization of the token's user. */
  readonly orgId: string;
  readonly expiresAt?: string;
}

export const TOKENS = "personal_access_tokens";

export const tokenProjection: Projection<TokenDocument> = {
  name: TOKENS,
  handles: new Set([PAT_ADDED, PAT_REMOVED]),
  key: (event) => (event.payload as PatAdded | PatRemoved).tokenHash,
  reduce: (_doc, event) => {
    if (event.type === PAT_REMOVED) return undefined;
    const { tokenId, expiresAt } = event.payload as PatAdded;
    return { tokenId, userId: event.aggregate.id, orgId: event.resourceOwner, ...(expiresAt && { expiresAt }) };
  },
};
