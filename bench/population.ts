/**
 * A large instance, made with the service's own event shapes and projections before it is
 * read: `count` organizations, each with a machine user who owns it (ORG_OWNER) and holds
 * one personal access token. Written in batches of many organizations per transaction, as
 * no client would, because a hundred thousand calls would take longer than the benchmark
 * has; what is stored is what those calls would have stored.
 */
import { SYSTEM_CREATOR } from "../src/command/instance-setup.js";
import { orgCreation } from "../src/command/org-creation.js";
import { machineUserCreation, tokenIssue } from "../src/command/user-creation.js";
import { loadConfig } from "../src/config.js";
import { ORG } from "../src/events/aggregates.js";
import { memberEvents } from "../src/events/member.js";
import { openEventStore } from "../src/eventstore/open.js";
import type { Append, UniqueConstraint } from "../src/eventstore/store.js";
import { IdGenerator } from "../src/id-generator.js";
import { createLogger } from "../src/logger.js";
import { projections } from "../src/projections/projections.js";

/** Organizations per transaction. */
const BATCH = 500;

/** One member of the population: their organization, and their token. */
export interface Resident {
  readonly orgId: string;
  readonly token: string;
}

export async function populate(databaseUrl: string, count: number): Promise<Resident[]> {
  const config = loadConfig({ LPS_DATABASE_URL: databaseUrl }, []);
  const store = await openEventStore(config.database, projections, createLogger("silent"), { cachedDocuments: 0 });
  const ids = new IdGenerator();
  const residents: Resident[] = [];
  try {
    for (let first = 0; first < count; first += BATCH) {
      const appends: Append[] = [];
      const claim: UniqueConstraint[] = [];
      for (let n = first; n < Math.min(count, first + BATCH); n++) {
        const [orgId, userId, tokenId] = [ids.next(), ids.next(), ids.next()];
        const org = orgCreation(orgId, `Population ${n}`);
        const user = machineUserCreation(userId, orgId, `resident-${n}`, `Resident ${n}`);
        const issued = tokenIssue(tokenId);
        const owner = { type: memberEvents[ORG].added, payload: { userId, roles: ["ORG_OWNER"] } };
        appends.push(
          { ...org.append, events: [...org.append.events, owner] },
          { ...user.append, events: [...user.append.events, issued.event] },
        );
        claim.push(org.claim, user.claim);
        residents.push({ orgId, token: issued.token });
      }
      await store.push({ creator: SYSTEM_CREATOR, appends, claim });
    }
  } finally {
    await store.close();
  }
  return residents;
}
