/**
 * The write side of login policies. Each command reads its write model (the policy as its
 * events left it, and the aggregate's sequence), checks the rules, and appends the events
 * that follow, all under the aggregate's lock (EventStore.decide): concurrent writers of one
 * policy take turns, each deciding on what the one before it left.
 */
import type { Factor, LoginPolicyFactors, LoginPolicySettings } from "../domain/login-policy.js";
import { changedSettings, validateSettings } from "../domain/login-policy.js";
import type { FactorKind } from "../domain/factors.js";
import { FACTOR_KINDS } from "../domain/factors.js";
import { ORG, type PolicyOwnerType } from "../events/aggregates.js";
import { loginPolicyEvents } from "../events/login-policy.js";
import type { NewEvent } from "../eventstore/event.js";
import type { EventStore } from "../eventstore/store.js";
import { LOGIN_POLICIES, type LoginPolicyDocument } from "../query/login-policy-projection.js";
import { loginPolicyErrors } from "./login-policy-errors.js";
import { retryOnConflict } from "./retry-on-conflict.js";
import { writeResult, type WriteResult } from "./write-result.js";

/** Whose policy: the instance's default, or an organization's custom one. */
export interface PolicyOwner {
  readonly type: PolicyOwnerType;
  readonly id: string;
}

export class LoginPolicyCommands {
  constructor(private readonly store: EventStore) {}

  addFactor<K extends FactorKind>(owner: PolicyOwner, kind: K, factor: Factor<K>, creator: string): Promise<WriteResult> {
    return this.change(owner, creator, (policy) => {
      if (hasFactor(policy.factors, kind, factor)) throw loginPolicyErrors[owner.type].factorAlreadyExists(kind);
      return [{ type: loginPolicyEvents[owner.type].factorAdded[kind], payload: { factor } }];
    });
  }

  removeFactor<K extends FactorKind>(owner: PolicyOwner, kind: K, factor: Factor<K>, creator: string): Promise<WriteResult> {
    return this.change(owner, creator, (policy) => {
      if (!hasFactor(policy.factors, kind, factor)) throw loginPolicyErrors[owner.type].factorNotExisting(kind);
      return [{ type: loginPolicyEvents[owner.type].factorRemoved[kind], payload: { factor } }];
    });
  }

  /** Replaces the settings; the factors stay. FailedPrecondition when nothing would change. */
  async updateSettings(owner: PolicyOwner, settings: LoginPolicySettings, creator: string): Promise<WriteResult> {
    validateSettings(settings);
    return this.change(owner, creator, (policy) => {
      const changes = changedSettings(policy.settings, settings);
      if (Object.keys(changes).length === 0) throw loginPolicyErrors[owner.type].notChanged();
      return [{ type: loginPolicyEvents[owner.type].changed, payload: changes }];
    });
  }

  /** Gives an organization its own policy, starting from the given settings and factors. */
  async addCustomPolicy(
    orgId: string,
    settings: LoginPolicySettings,
    factors: LoginPolicyFactors,
    creator: string,
  ): Promise<WriteResult> {
    validateSettings(settings);
    const errors = loginPolicyErrors.org;
    for (const kind of FACTOR_KINDS) {
      if (new Set(factors[kind]).size !== factors[kind].length) throw errors.duplicateFactor(kind);
    }
    const types = loginPolicyEvents.org;
    return this.write({ type: ORG, id: orgId }, creator, (policy) => {
      if (policy) throw errors.policyAlreadyExists();
      return [
        { type: types.added, payload: settings },
        ...FACTOR_KINDS.flatMap((kind) =>
          factors[kind].map((factor) => ({ type: types.factorAdded[kind], payload: { factor } })),
        ),
      ];
    });
  }

  /** Removes an organization's custom policy, so that it follows the default again. */
  resetToDefault(orgId: string, creator: string): Promise<WriteResult> {
    return this.change({ type: ORG, id: orgId }, creator, () => [{ type: loginPolicyEvents.org.removed, payload: {} }]);
  }

  /** A command on an existing policy: NotFound when the owner has none. */
  private change(
    owner: PolicyOwner,
    creator: string,
    decide: (policy: LoginPolicyDocument) => NewEvent[],
  ): Promise<WriteResult> {
    return this.write(owner, creator, (policy) => {
      if (!policy) throw loginPolicyErrors[owner.type].policyNotFound();
      return decide(policy);
    });
  }

  private write(
    owner: PolicyOwner,
    creator: string,
    decide: (policy: LoginPolicyDocument | undefined) => NewEvent[],
  ): Promise<WriteResult> {
    const aggregate = { type: owner.type, id: owner.id };
    // The write model: the policy document (kept by its projection in the same transaction
    // as the events) and the aggregate's sequence. Under the lock no racing writer can move
    // the aggregate on; the retry stays for the store's last line of defence, its unique
    // (aggregate, sequence) key, should anything else ever append past the lock.
    return retryOnConflict(async () => {
      const stored = await this.store.decide<LoginPolicyDocument>(aggregate, LOGIN_POLICIES, owner.id, (model) => {
        if (model.sequence === 0) throw loginPolicyErrors[owner.type].ownerNotFound();
        const events = decide(model.state);
        return { creator, appends: [{ aggregate, resourceOwner: owner.id, expectedSequence: model.sequence, events }] };
      });
      return writeResult(stored);
    });
  }
}

function hasFactor(factors: LoginPolicyFactors, kind: FactorKind, factor: string): boolean {
  return (factors[kind] as readonly string[]).includes(factor);
}
