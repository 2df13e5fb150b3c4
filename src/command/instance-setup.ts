/**
 * First start: an empty database gets its instance, the instance's default login policy, a
 * first organization, and an `admin` machine user of that organization with IAM_OWNER and a
 * personal access token, all in one transaction. Later starts find the instance and create
 * nothing. Replicas starting together race on a unique constraint; the losers read what
 * the winner created.
 */
import type { LoginPolicyFactors, LoginPolicySettings } from "../domain/login-policy.js";
import { FACTOR_KINDS } from "../domain/factors.js";
import { INSTANCE } from "../events/aggregates.js";
import { INSTANCE_ADDED, INSTANCE_DEFAULT_ORG_SET } from "../events/instance.js";
import { memberEvents } from "../events/member.js";
import { loginPolicyEvents } from "../events/login-policy.js";
import type { EventStore } from "../eventstore/store.js";
import { UniqueConstraintTaken } from "../eventstore/store.js";
import type { IdGenerator } from "../id-generator.js";
import { CURRENT_INSTANCE_KEY, INSTANCES, type InstanceDocument } from "../projections/instance-projection.js";
import { orgCreation } from "./org-creation.js";
import { machineUserCreation, tokenIssue } from "./user-creation.js";

/** The creator recorded on events the service causes itself. */
export const SYSTEM_CREATOR = "system";

const INSTANCE_CONSTRAINT = { kind: "instance", value: CURRENT_INSTANCE_KEY };

export const ADMIN_USERNAME = "admin";
export const ADMIN_ROLE = "IAM_OWNER";

export interface InstanceSetup {
  readonly instanceName: string;
  readonly firstOrgName: string;
  readonly policySettings: LoginPolicySettings;
  readonly policyFactors: LoginPolicyFactors;
}

export interface InstanceSetupResult {
  readonly instance: InstanceDocument;
  /** Present when this call created the instance: the admin user and its only copy of its token. */
  readonly admin?: { readonly userId: string; readonly token: string };
}

export async function setUpInstance(store: EventStore, ids: IdGenerator, setup: InstanceSetup): Promise<InstanceSetupResult> {
  const existing = await currentInstance(store);
  if (existing) return { instance: existing };

  const instanceId = ids.next();
  const org = orgCreation(ids.next(), setup.firstOrgName);
  const orgId = org.append.aggregate.id;
  const adminId = ids.next();
  const admin = machineUserCreation(adminId, orgId, ADMIN_USERNAME, "Administrator");
  const token = tokenIssue(ids.next());
  const policy = loginPolicyEvents.instance;
  try {
    await store.push({
      creator: SYSTEM_CREATOR,
      appends: [
        {
          aggregate: { type: INSTANCE, id: instanceId },
          resourceOwner: instanceId,
          expectedSequence: 0,
          events: [
            { type: INSTANCE_ADDED, payload: { name: setup.instanceName } },
            { type: policy.added, payload: setup.policySettings },
            ...FACTOR_KINDS.flatMap((kind) =>
              setup.policyFactors[kind].map((factor) => ({ type: policy.factorAdded[kind], payload: { factor } })),
            ),
            { type: INSTANCE_DEFAULT_ORG_SET, payload: { orgId } },
            { type: memberEvents.instance.added, payload: { userId: adminId, roles: [ADMIN_ROLE] } },
          ],
        },
        org.append,
        { ...admin.append, events: [...admin.append.events, token.event] },
      ],
      claim: [INSTANCE_CONSTRAINT, org.claim, admin.claim],
    });
  } catch (error) {
    if (!(error instanceof UniqueConstraintTaken)) throw error;
    const winner = await currentInstance(store);
    if (!winner) throw error;
    return { instance: winner };
  }
  const created = await currentInstance(store);
  if (!created) throw new Error("the instance was created but cannot be read back");
  return { instance: created, admin: { userId: adminId, token: token.token } };
}

export function currentInstance(store: EventStore): Promise<InstanceDocument | undefined> {
  return store.document<InstanceDocument>(INSTANCES, CURRENT_INSTANCE_KEY);
}
