/** Creating organizations. Names are unique per instance. */
import { alreadyExists } from "../errors.js";
import type { EventStore } from "../eventstore/store.js";
import { UniqueConstraintTaken } from "../eventstore/store.js";
import type { IdGenerator } from "../id-generator.js";
import { orgCreation } from "./org-creation.js";
import { writeResult, type WriteResult } from "./write-result.js";

export class OrgCommands {
  constructor(
    private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  async addOrg(name: string, creator: string): Promise<WriteResult & { orgId: string }> {
    const org = orgCreation(this.ids.next(), name);
    try {
      const stored = await this.store.push({ creator, appends: [org.append], claim: [org.claim] });
      return { ...writeResult(stored), orgId: org.append.aggregate.id };
    } catch (error) {
      if (error instanceof UniqueConstraintTaken) {
        throw alreadyExists("Org-N4m3x", "Errors.Org.AlreadyExists", `an organization named "${name.trim()}" exists`);
      }
      throw error;
    }
  }
}
