/** Machine users and their personal access tokens. */
import { alreadyExists, invalidArgument, notFound } from "../errors.js";
import { USER } from "../events/aggregates.js";
import { PAT_ADDED, PAT_REMOVED, type PatAdded, type PatRemoved } from "../events/user.js";
import type { EventStore } from "../eventstore/store.js";
import { UniqueConstraintTaken } from "../eventstore/store.js";
import type { IdGenerator } from "../id-generator.js";
import { ORGS, type OrgDocument } from "../projections/org-projection.js";
import { USERS, type UserDocument } from "../projections/user-projection.js";
import { retryOnConflict } from "./retry-on-conflict.js";
import { machineUserCreation, tokenIssue, type IssuedToken } from "./user-creation.js";

export interface NewMachineUser {
  readonly userId: string;
  readonly orgId: string;
  readonly username: string;
}

function userNotFound(userId: string) {
  return notFound("USER-Nf0us", "Errors.User.NotFound", `no machine user with ID ${userId}`);
}

export class UserCommands {
  constructor(
    private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  async addMachineUser(orgId: string, username: string, name: string, creator: string): Promise<NewMachineUser> {
    if (!(await this.store.document<OrgDocument>(ORGS, orgId))) {
      throw notFound("Org-Nf0wn", "Errors.Org.NotFound", `no organization with ID ${orgId}`);
    }
    const userId = this.ids.next();
    const user = machineUserCreation(userId, orgId, username, name);
    try {
      await this.store.push({ creator, appends: [user.append], claim: [user.claim] });
    } catch (error) {
      if (error instanceof UniqueConstraintTaken) {
        throw alreadyExists("USER-Ex1st", "Errors.User.AlreadyExists", `the organization has a user named "${username}"`);
      }
      throw error;
    }
    return { userId, orgId, username };
  }

  /** Issues a token for the user; the token is in the result, and nowhere else, ever. */
  async addToken(userId: string, expiresAt: Date | undefined, creator: string): Promise<Omit<IssuedToken, "event">> {
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw invalidArgument("USER-Exp1r", "Errors.User.PAT.ExpiryInPast", "a token's expiry must lie in the future");
    }
    return retryOnConflict(async () => {
      const model = await this.store.snapshot<UserDocument>({ type: USER, id: userId }, USERS, userId);
      if (!model.state) throw userNotFound(userId);
      const issued = tokenIssue(this.ids.next(), expiresAt);
      await this.store.push({
        creator,
        appends: [
          { aggregate: { type: USER, id: userId }, resourceOwner: model.state.orgId, expectedSequence: model.sequence, events: [issued.event] },
        ],
      });
      const { event, ...result } = issued;
      return result;
    });
  }

  async revokeToken(userId: string, tokenId: string, creator: string): Promise<void> {
    await retryOnConflict(async () => {
      const model = await this.store.snapshot<UserDocument>({ type: USER, id: userId }, USERS, userId);
      if (!model.state) throw userNotFound(userId);
      if (!model.state.tokens.some((t) => t.id === tokenId)) {
        throw notFound("USER-Tk0nf", "Errors.User.PAT.NotFound", `the user has no token with ID ${tokenId}`);
      }
      // The removal names the hash, which only the token's own event holds (a user's
      // stream is a handful of events).
      const events = await this.store.events({ type: USER, id: userId });
      const added = events.find((e) => e.type === PAT_ADDED && (e.payload as PatAdded).tokenId === tokenId);
      const payload: PatRemoved = { tokenId, tokenHash: (added!.payload as PatAdded).tokenHash };
      await this.store.push({
        creator,
        appends: [
          {
            aggregate: { type: USER, id: userId },
            resourceOwner: model.state.orgId,
            expectedSequence: model.sequence,
            events: [{ type: PAT_REMOVED, payload }],
          },
        ],
      });
    });
  }
}
