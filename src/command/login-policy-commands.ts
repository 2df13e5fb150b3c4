/**
 * The write side of login policies. Each command reads its write model (the policy as its
 * events left it, and the aggregate's sequence), checks the rules, and appends the events
 * that follow, all under the aggregate's lock (EventStore.decide): concurrent writers of one
 * policy take turns, each deciding on what the one before it left.
 *
 * Every command also takes the caller's conditions: a precondition on the policy as the
 * command finds it (checked under the same lock, so of two writers that name the same
 * version exactly one wins), and a dry run, which decides the same way on the same state
 * and writes nothing. No change may lock the policy's users out (see domain/lockout.ts).
 */
import type { Factor, LoginPolicyFactors, LoginPolicySettings } from "../domain/login-policy.js";
import { changedSettings, validateSettings } from "../domain/login-policy.js";
import type { DomainError } from "../errors.js";
import type { FactorKind } from "../domain/factors.js";
import { FACTOR_KINDS } from "../domain/factors.js";
import { lockoutAfter } from "../domain/lockout.js";
import { INSTANCE, ORG, type PolicyOwnerType } from "../events/aggregates.js";
import { loginPolicyEvents } from "../events/login-policy.js";
import type { AggregateRef, NewEvent, StoredEvent } from "../eventstore/event.js";
import type { Append, EventStore, PushRequest, Snapshot, SnapshotRef } from "../eventstore/store.js";
import { LOGIN_POLICIES, loginPolicyProjection, type LoginPolicyDocument } from "../projections/login-policy-projection.js";
import { loginPolicyErrors } from "./login-policy-errors.js";
import { retryOnConflict } from "./retry-on-conflict.js";
import { writeResult, type WriteResult } from "./write-result.js";

/** Whose policy: the instance's default, or an organization's custom one. */
export interface PolicyOwner {
  readonly type: PolicyOwnerType;
  readonly id: string;
}

/** The policy an owner's users sign in with, and whether it is the instance's default. */
export interface PolicyState {
  readonly policy: LoginPolicyDocument;
  readonly isDefault: boolean;
}

/** What a caller asks of a write besides the change itself. */
export interface WriteConditions {
  /** Throws to refuse the write, given the policy as the write finds it, under its lock. */
  readonly precondition?: (current: PolicyState) => void;
  /** Decides and answers as the write would, and writes nothing. */
  readonly dryRun?: boolean;
}

/** A change made (or, in a dry run, that would be made), with the owner's policy after it. */
export interface PolicyChange extends WriteResult {
  readonly after: PolicyState;
}

const NO_CONDITIONS: WriteConditions = {};

export class LoginPolicyCommands {
  private readonly instance: AggregateRef;

  constructor(
    private readonly store: EventStore,
    instanceId: string,
  ) {
    this.instance = { type: INSTANCE, id: instanceId };
  }

  addFactor<K extends FactorKind>(owner: PolicyOwner, kind: K, factor: Factor<K>, creator: string, conditions = NO_CONDITIONS): Promise<PolicyChange> {
    return this.change(owner, creator, conditions, factorsWithoutPolicy(owner), (policy) => {
      if (hasFactor(policy.factors, kind, factor)) throw loginPolicyErrors[owner.type].factorAlreadyExists[kind]();
      return [{ type: loginPolicyEvents[owner.type].factorAdded[kind], payload: { factor } }];
    });
  }

  removeFactor<K extends FactorKind>(owner: PolicyOwner, kind: K, factor: Factor<K>, creator: string, conditions = NO_CONDITIONS): Promise<PolicyChange> {
    return this.change(owner, creator, conditions, factorsWithoutPolicy(owner), (policy) => {
      if (!hasFactor(policy.factors, kind, factor)) throw loginPolicyErrors[owner.type].factorNotExisting[kind]();
      return [{ type: loginPolicyEvents[owner.type].factorRemoved[kind], payload: { factor } }];
    });
  }

  /** Replaces the settings; the factors stay. FailedPrecondition when nothing would change. */
  async updateSettings(
    owner: PolicyOwner,
    settings: LoginPolicySettings,
    creator: string,
    conditions = NO_CONDITIONS,
  ): Promise<PolicyChange> {
    const errors = loginPolicyErrors[owner.type];
    validateSettings(settings, errors.redirectUriInvalid);
    return this.change(owner, creator, conditions, errors.policyNotFound, (policy) => {
      const changes = changedSettings(policy.settings, settings);
      if (Object.keys(changes).length === 0) throw errors.notChanged();
      return [{ type: loginPolicyEvents[owner.type].changed, payload: changes }];
    });
  }

  /** Gives an organization its own policy, starting from the given settings and factors. */
  async addCustomPolicy(
    orgId: string,
    settings: LoginPolicySettings,
    factors: LoginPolicyFactors,
    creator: string,
    conditions = NO_CONDITIONS,
  ): Promise<PolicyChange> {
    const errors = loginPolicyErrors.org;
    validateSettings(settings, errors.customRedirectUriInvalid);
    for (const kind of FACTOR_KINDS) {
      if (new Set(factors[kind]).size !== factors[kind].length) throw errors.customFactorListedTwice(kind);
    }
    const types = loginPolicyEvents.org;
    return this.write({ type: ORG, id: orgId }, creator, conditions, (policy) => {
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
  resetToDefault(orgId: string, creator: string, conditions = NO_CONDITIONS): Promise<PolicyChange> {
    const removed = { type: loginPolicyEvents.org.removed, payload: {} };
    const owner = { type: ORG, id: orgId } as const;
    return this.change(owner, creator, conditions, loginPolicyErrors.org.resetWithoutCustomPolicy, () => [removed]);
  }

  /** A command on an existing policy: `missing` when the owner has none. */
  private change(
    owner: PolicyOwner,
    creator: string,
    conditions: WriteConditions,
    missing: () => DomainError,
    decide: (policy: LoginPolicyDocument) => NewEvent[],
  ): Promise<PolicyChange> {
    return this.write(owner, creator, conditions, (policy) => {
      if (!policy) throw missing();
      return decide(policy);
    });
  }

  private write(
    owner: PolicyOwner,
    creator: string,
    conditions: WriteConditions,
    decide: (policy: LoginPolicyDocument | undefined) => NewEvent[],
  ): Promise<PolicyChange> {
    const aggregate = { type: owner.type, id: owner.id };
    // The write model: the policy document (kept by its projection in the same transaction
    // as the events) and the aggregate's sequence. Under the lock no racing writer can move
    // the aggregate on; the retry stays for the store's last line of defence, its unique
    // (aggregate, sequence) key, should anything else ever append past the lock, and for the
    // default's check below.
    // An organization's write may depend on the default: the version of an organization
    // that follows it is the default's, and a reset leaves the organization following it.
    // The default is read with the organization's write model, under the organization's lock
    // but not the default's, and the push then checks that the instance aggregate has not
    // moved on since (an append of no events, which the store checks like any other, in the
    // same transaction as the organization's events). A default changed in between fails the
    // push as a conflict, and the command reads and decides again: a precondition or a
    // version that depends on the default is exact, never judged against a default that
    // changed before the commit. Holding the default's own lock instead would serialize
    // every organization's write behind it.
    const defaultsRef = owner.type === ORG ? { aggregate: this.instance, projection: LOGIN_POLICIES, key: this.instance.id } : undefined;
    return retryOnConflict(async () => {
      const plan = (model: Snapshot<LoginPolicyDocument>, defaults: Snapshot<LoginPolicyDocument> | undefined): Plan => {
        if (model.sequence === 0) throw loginPolicyErrors[owner.type].ownerNotFound();
        const before = effective(owner, model.state, defaults);
        conditions.precondition?.(before);
        const events = decide(model.state);
        const at = new Date();
        const stored = events.map((event, i): StoredEvent => ({
          ...event,
          aggregate,
          resourceOwner: owner.id,
          sequence: model.sequence + i + 1,
          position: 0,
          creator,
          createdAt: at,
        }));
        const policy = stored.reduce<LoginPolicyDocument | undefined>(loginPolicyProjection.reduce, model.state);
        if (policy) guardAgainstLockout(owner, model.state, policy);
        const after = effective(owner, policy, defaults);
        const appends: Append[] = [{ aggregate, resourceOwner: owner.id, expectedSequence: model.sequence, events }];
        if (defaults && (before.isDefault || after.isDefault)) {
          appends.push({ aggregate: this.instance, resourceOwner: this.instance.id, expectedSequence: defaults.sequence, events: [] });
        }
        return { push: { creator, appends }, stored, after };
      };
      if (conditions.dryRun) {
        // The same decision on the same state, pushed nowhere: what the real call would answer.
        const snapshot = (ref: SnapshotRef) => this.store.snapshot<LoginPolicyDocument>(ref.aggregate, ref.projection, ref.key);
        const defaults = defaultsRef && (await snapshot(defaultsRef));
        const { stored, after } = plan(await snapshot({ aggregate, projection: LOGIN_POLICIES, key: owner.id }), defaults);
        return { ...writeResult(stored), after };
      }
      let planned: Plan | undefined;
      const pushFor = (model: Snapshot<LoginPolicyDocument>, defaults?: Snapshot<LoginPolicyDocument>) => {
        planned = plan(model, defaults);
        return planned.push;
      };
      const stored = await this.store.decide<LoginPolicyDocument>(aggregate, LOGIN_POLICIES, owner.id, pushFor, defaultsRef);
      return { ...writeResult(stored), after: planned!.after };
    });
  }
}

/** What a write would push, the events as they would be stored, and the policy after. */
interface Plan {
  readonly push: PushRequest;
  readonly stored: readonly StoredEvent[];
  readonly after: PolicyState;
}

/** The policy an owner's users sign in with: an organization without its own follows the default. */
function effective(owner: PolicyOwner, policy: LoginPolicyDocument | undefined, defaults: Snapshot<LoginPolicyDocument> | undefined): PolicyState {
  if (policy) return { policy, isDefault: owner.type !== ORG };
  // Set up with the instance in the same transaction; its absence is a broken database.
  if (!defaults?.state) throw loginPolicyErrors.instance.policyNotFound();
  return { policy: defaults.state, isDefault: true };
}

/**
 * Refuses a change that would lock the policy's users out. An organization that follows
 * the default signs in with the default itself, so judging the default after its change
 * protects every organization that inherits it too.
 */
function guardAgainstLockout(owner: PolicyOwner, before: LoginPolicyDocument | undefined, after: LoginPolicyDocument): void {
  const lockout = lockoutAfter(before, after);
  if (lockout) throw loginPolicyErrors[owner.type].lockout[lockout]();
}

/** What a factor change on an owner without a policy answers (only organizations can be without one). */
function factorsWithoutPolicy(owner: PolicyOwner): () => DomainError {
  return owner.type === ORG ? loginPolicyErrors.org.factorsWithoutCustomPolicy : loginPolicyErrors.instance.policyNotFound;
}

function hasFactor(factors: LoginPolicyFactors, kind: FactorKind, factor: string): boolean {
  return (factors[kind] as readonly string[]).includes(factor);
}
