/**
 * The read side of login policies: one document lookup per policy. An organization without
 * a custom policy reads the instance's default, so a change of the default reaches it at
 * once.
 */
import { DomainError } from "../errors.js";
import type { ReadScope } from "../eventstore/read-scope.js";
import type { EventStore } from "../eventstore/store.js";
import { LOGIN_POLICIES, type LoginPolicyDocument } from "../projections/login-policy-projection.js";

export interface EffectivePolicy {
  readonly policy: LoginPolicyDocument;
  /** True when the organization has no custom policy and follows the default. */
  readonly isDefault: boolean;
}

export class LoginPolicyQueries {
  constructor(
    private readonly store: EventStore,
    private readonly instanceId: string,
  ) {}

  /** `scope`: the call's reads, when a call reads (see read-scope.ts); the same below. */
  async defaultPolicy(scope?: ReadScope): Promise<LoginPolicyDocument> {
    const policy = await this.store.document<LoginPolicyDocument>(LOGIN_POLICIES, this.instanceId, scope);
    // Set up with the instance in the same transaction; its absence is a broken database.
    if (!policy) throw new DomainError("Internal", "QUERY-D3fpl", "Errors.IAM.LoginPolicy.NotFound");
    return policy;
  }

  async orgPolicy(orgId: string, scope?: ReadScope): Promise<EffectivePolicy> {
    const custom = await this.store.document<LoginPolicyDocument>(LOGIN_POLICIES, orgId, scope);
    if (custom) return { policy: custom, isDefault: false };
    return { policy: await this.defaultPolicy(scope), isDefault: true };
  }
}
