/**
 * The signed-in console: which policy is selected, what the service last said about it and
 * about the caller's abilities, and the actions that change it. After every change it reads
 * the policy again, so the page shows what the service holds, whoever changed it.
 */
import { ALLOWED, NOT_CHECKED, abilityFrom, type Ability, type TargetAbilities } from "./abilities.js";
import { PROTOCOL_NAMES, apiClients, type ApiClients, type Protocol } from "./api-clients.js";
import { el, replaceContent } from "./elements.js";
import { failureOf, isPermissionDenied, isUnauthenticated, type Failure } from "./failure.js";
import {
  INSTANCE_KEY,
  OWN_ORG_KEY,
  instanceTarget,
  orgTarget,
  type EffectivePolicy,
  type FactorChange,
  type PolicySettings,
  type PolicyTarget,
  type TargetKey,
} from "./policy-target.js";
import { session } from "./session.js";
import { failureView, type ShownFailure } from "./views/failure-view.js";
import { identityView } from "./views/identity-view.js";
import { policyView } from "./views/policy-view.js";
import { targetsView, type TargetEntry } from "./views/targets-view.js";

export interface ConsoleHost {
  /** Leaves the console for the sign-in page, with the reason when the service ended the session. */
  signOut(failure?: ShownFailure): void;
}

/** Settles a call into the failure it ended with, if any. */
async function outcome(call: Promise<unknown>): Promise<Failure | undefined> {
  try {
    await call;
    return undefined;
  } catch (reason) {
    return failureOf(reason);
  }
}

export class ConsoleApp {
  private clients: ApiClients;
  private targets = new Map<TargetKey, PolicyTarget>();
  private readonly abilities = new Map<TargetKey, TargetAbilities>();
  /** Per target: whether it follows the default, as last read. */
  private readonly states = new Map<TargetKey, string>();
  private selected: TargetKey = INSTANCE_KEY;
  private effective: EffectivePolicy | undefined;
  private failure: ShownFailure | undefined;
  /**
   * One status line for the life of the page, so that screen readers announce what it says
   * as it changes, and a change in flight can be reported without drawing the page anew.
   */
  private readonly statusLine = el("p", { className: "status", attrs: { role: "status" } });
  private filter = "";
  private busy = false;
  private ownOrgId: string | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly token: string,
    private readonly host: ConsoleHost,
  ) {
    this.clients = apiClients(token, session.protocol());
    this.buildTargets();
  }

  /**
   * Reads the default policy and the caller's own organization's to learn what the token
   * may do, and shows the first of them it may read. Resolves with the refusal when the
   * service does not accept the token at all.
   */
  async start(): Promise<Failure | undefined> {
    const [instance, own] = await Promise.all([this.readInto(INSTANCE_KEY), this.readInto(OWN_ORG_KEY)]);
    if (instance.failure && isUnauthenticated(instance.failure)) return instance.failure;
    this.selected = instance.effective || !own.effective ? INSTANCE_KEY : OWN_ORG_KEY;
    this.effective = (this.selected === INSTANCE_KEY ? instance : own).effective;
    this.failure = this.effective ? undefined : instance.failure && { action: "read the default policy", failure: instance.failure };
    await Promise.all([this.probeWrite(INSTANCE_KEY), this.probeWrite(OWN_ORG_KEY)]);
    this.render();
    return undefined;
  }

  private buildTargets(): void {
    const all = [instanceTarget(this.clients), orgTarget(this.clients, undefined), ...session.orgIds().map((id) => orgTarget(this.clients, id))];
    this.targets = new Map(all.map((target) => [target.key, target]));
  }

  private target(key = this.selected): PolicyTarget {
    return this.targets.get(key)!;
  }

  private setAbility(key: TargetKey, kind: keyof TargetAbilities, ability: Ability): void {
    const current = this.abilities.get(key) ?? { read: NOT_CHECKED, write: NOT_CHECKED };
    this.abilities.set(key, { ...current, [kind]: ability });
  }

  /** Reads a target's policy and records what the answer says about it. */
  private async readInto(key: TargetKey): Promise<{ effective?: EffectivePolicy; failure?: Failure }> {
    try {
      const effective = await this.target(key).read();
      this.setAbility(key, "read", ALLOWED);
      this.states.set(key, key === INSTANCE_KEY ? "" : effective.inherited ? "follows the default" : "own policy");
      if (key === OWN_ORG_KEY && !effective.inherited) this.ownOrgId = effective.policy.details?.resourceOwner;
      return { effective };
    } catch (reason) {
      const failure = failureOf(reason);
      this.setAbility(key, "read", abilityFrom(failure));
      if (isPermissionDenied(failure)) this.states.set(key, "not readable");
      return { failure };
    }
  }

  private async probeWrite(key: TargetKey): Promise<void> {
    const known = this.abilities.get(key)?.write;
    if (known && known !== NOT_CHECKED) return;
    const failure = await outcome(this.target(key).probeWrite());
    this.setAbility(key, "write", abilityFrom(failure));
  }

  /** Reads the selected policy again and shows it; a failure to read is shown in its place. */
  private async load(): Promise<void> {
    const key = this.selected;
    const read = await this.readInto(key);
    if (key !== this.selected) return;
    if (read.failure && isUnauthenticated(read.failure)) return this.host.signOut({ action: "read the policy", failure: read.failure });
    this.effective = read.effective;
    if (read.failure) this.failure = { action: "read the policy", failure: read.failure };
    await this.probeWrite(key);
    this.render();
  }

  private async select(key: TargetKey): Promise<void> {
    this.selected = key;
    this.effective = undefined;
    this.failure = undefined;
    this.statusLine.textContent = "";
    this.render();
    await this.load();
  }

  private async addOrg(orgId: string): Promise<void> {
    const ids = session.orgIds();
    if (!ids.includes(orgId)) session.setOrgIds([...ids, orgId]);
    this.buildTargets();
    await this.select(orgTarget(this.clients, orgId).key);
  }

  private async switchProtocol(protocol: Protocol): Promise<void> {
    session.setProtocol(protocol);
    this.clients = apiClients(this.token, protocol);
    this.buildTargets();
    await this.select(this.selected);
    if (!this.failure) this.statusLine.textContent = `Calling over ${PROTOCOL_NAMES[protocol]}.`;
  }

  /**
   * Runs a change of the selected policy, then shows the policy as the service now has it.
   * The controls stay as the user left them until then.
   */
  private async change(action: string, run: (target: PolicyTarget, basis: EffectivePolicy) => Promise<void>, done: string): Promise<void> {
    const basis = this.effective;
    if (!basis || this.busy) return;
    this.busy = true;
    try {
      this.statusLine.textContent = "Saving…";
      const failure = await outcome(run(this.target(), basis));
      if (failure && isUnauthenticated(failure)) return this.host.signOut({ action, failure });
      // A change that went through, or was refused for want of permission, tells what the caller may do.
      if (!failure || isPermissionDenied(failure)) this.setAbility(this.selected, "write", abilityFrom(failure));
      this.failure = failure && { action, failure };
      await this.load();
      // Said once the page shows the policy as it is after the change.
      this.statusLine.textContent = failure ? "" : done;
    } finally {
      this.busy = false;
    }
  }

  /** Shows what the service holds now, changes by others included. */
  private async refresh(): Promise<void> {
    this.failure = undefined;
    this.statusLine.textContent = "";
    await this.load();
    if (!this.failure) this.statusLine.textContent = "Refreshed.";
  }

  private toggleFactor(change: FactorChange): Promise<void> {
    const verb = change.enabled ? "enable" : "disable";
    return this.change(`${verb} the factor`, (target, basis) => target.setFactor(change, basis), `Factor ${verb}d.`);
  }

  private saveSettings(settings: PolicySettings): Promise<void> {
    return this.change("save the settings", (target, basis) => target.saveSettings(settings, basis), "Settings saved.");
  }

  private reset(): Promise<void> {
    return this.change("reset the policy to the default", (target, basis) => target.resetToDefault!(basis), "The organization follows the default policy again.");
  }

  private title(key: TargetKey): string {
    if (key === INSTANCE_KEY) return "Instance default";
    if (key === OWN_ORG_KEY) return this.ownOrgId ? `Your organization (${this.ownOrgId})` : "Your organization";
    return `Organization ${this.target(key).orgId}`;
  }

  private render(): void {
    const entries: TargetEntry[] = [...this.targets.keys()].map((key) => ({ key, name: this.title(key), state: this.states.get(key) || undefined }));
    const abilities = (key: TargetKey) => this.abilities.get(key) ?? { read: NOT_CHECKED, write: NOT_CHECKED };
    const protocol = el(
      "select",
      { id: "protocol" },
      ...(Object.keys(PROTOCOL_NAMES) as Protocol[]).map((p) => el("option", { value: p, selected: p === session.protocol() }, PROTOCOL_NAMES[p])),
    );
    protocol.addEventListener("change", () => void this.switchProtocol(protocol.value as Protocol));
    const signOut = el("button", { type: "button", id: "sign-out" }, "Sign out");
    signOut.addEventListener("click", () => this.host.signOut());
    const target = this.target();
    replaceContent(
      this.root,
      el("header", { className: "top" }, el("h1", {}, "Login policies"), el("div", { className: "field inline" }, el("label", { htmlFor: "protocol" }, "Protocol"), protocol), signOut),
      el(
        "div",
        { className: "layout" },
        targetsView({
          entries,
          selected: this.selected,
          filter: this.filter,
          onSelect: (key) => void this.select(key),
          onFilter: (text) => {
            this.filter = text;
            this.render();
          },
          onAddOrg: (orgId) => void this.addOrg(orgId),
        }),
        el(
          "aside",
          {},
          identityView({
            token: this.token,
            ownOrgId: this.ownOrgId,
            instance: abilities(INSTANCE_KEY),
            org: target.kind === "org" ? { name: this.title(this.selected), abilities: abilities(this.selected) } : undefined,
          }),
        ),
        el(
          "main",
          {},
          this.statusLine,
          this.failure && failureView(this.failure),
          this.effective
            ? policyView({
                title: target.kind === "instance" ? "Default policy of the instance" : `Policy of ${this.title(this.selected).replace(/^Your/, "your")}`,
                target,
                effective: this.effective,
                abilities: abilities(this.selected),
                onRefresh: () => void this.refresh(),
                onToggleFactor: (change) => void this.toggleFactor(change),
                onSaveSettings: (settings) => void this.saveSettings(settings),
                onReset: () => void this.reset(),
              })
            : !this.failure && el("p", {}, "Loading…"),
        ),
      ),
    );
  }
}
