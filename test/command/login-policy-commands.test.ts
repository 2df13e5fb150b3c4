import { afterAll, beforeEach, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { setUpInstance } from "../../src/command/instance-setup.js";
import { LoginPolicyCommands, type PolicyOwner, type PolicyState } from "../../src/command/login-policy-commands.js";
import { DEFAULT_FACTORS, DEFAULT_SETTINGS } from "../../src/domain/login-policy.js";
import { DomainError } from "../../src/errors.js";
import { SqliteEventStore } from "../../src/eventstore/sqlite.js";
import type { EventStore } from "../../src/eventstore/store.js";
import { IdGenerator } from "../../src/id-generator.js";
import type { InstanceDocument } from "../../src/projections/instance-projection.js";
import { LoginPolicyQueries } from "../../src/query/login-policy-queries.js";
import { projections } from "../../src/projections/projections.js";

afterAll(removeTempDirs);

let store: EventStore;
let commands: LoginPolicyCommands;
let queries: LoginPolicyQueries;
let instance: InstanceDocument;
let defaultOwner: PolicyOwner;
let orgOwner: PolicyOwner;

beforeEach(async () => {
  store = new SqliteEventStore(join(tempDir(), "lps.db"), projections);
  ({ instance } = await setUpInstance(store, new IdGenerator(), {
    instanceName: "test",
    firstOrgName: "Acme",
    policySettings: DEFAULT_SETTINGS,
    policyFactors: DEFAULT_FACTORS,
  }));
  commands = new LoginPolicyCommands(store, instance.id);
  queries = new LoginPolicyQueries(store, instance.id);
  defaultOwner = { type: "instance", id: instance.id };
  orgOwner = { type: "org", id: instance.defaultOrgId };
});

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected the command to fail");
}

const eventTypes = async (owner: PolicyOwner) => (await store.events(owner)).map((e) => e.type);

describe("the default login policy", () => {
  it("starts with the configured factors", async () => {
    expect((await queries.defaultPolicy()).factors).toEqual({ second: ["otp", "u2f"], multi: ["u2f_with_verification"] });
  });

  it("adds a factor once; a second add is AlreadyExists and appends nothing", async () => {
    const added = await commands.addFactor(defaultOwner, "second", "otp_email", "admin");
    expect(added).toMatchObject({ resourceOwner: instance.id });
    expect((await queries.defaultPolicy()).factors.second).toEqual(["otp", "u2f", "otp_email"]);
    const before = await eventTypes(defaultOwner);
    expect(await rejection(commands.addFactor(defaultOwner, "second", "otp_email", "admin"))).toMatchObject({
      code: "AlreadyExists",
      id: "INSTANCE-2B0ps",
      key: "Errors.IAM.LoginPolicy.MFA.AlreadyExists",
    });
    expect(await eventTypes(defaultOwner)).toEqual(before);
  });

  it("removes an enabled factor; removing one not enabled is NotFound", async () => {
    await commands.removeFactor(defaultOwner, "multi", "u2f_with_verification", "admin");
    expect((await queries.defaultPolicy()).factors.multi).toEqual([]);
    expect(await rejection(commands.removeFactor(defaultOwner, "multi", "u2f_with_verification", "admin"))).toMatchObject({
      code: "NotFound",
      id: "INSTANCE-3M9df",
    });
  });

  it("reports the sequence and time of the event a change added", async () => {
    const result = await commands.addFactor(defaultOwner, "second", "otp_sms", "admin");
    const last = (await store.events(defaultOwner)).at(-1)!;
    expect(last).toMatchObject({ type: "instance.policy.login.secondfactor.added", creator: "admin" });
    expect(result).toMatchObject({ sequence: last.sequence, at: last.createdAt, resourceOwner: instance.id });
  });

  it("updates settings with only what changed, and refuses an update that changes nothing", async () => {
    await commands.updateSettings(defaultOwner, { ...DEFAULT_SETTINGS, forceMfa: true }, "admin");
    expect((await store.events(defaultOwner)).at(-1)).toMatchObject({
      type: "instance.policy.login.changed",
      payload: { forceMfa: true },
    });
    expect(await rejection(commands.updateSettings(defaultOwner, { ...DEFAULT_SETTINGS, forceMfa: true }, "admin"))).toMatchObject({
      code: "FailedPrecondition",
      key: "Errors.IAM.LoginPolicy.NotChanged",
    });
  });

  it("validates settings before anything is written", async () => {
    const before = await eventTypes(defaultOwner);
    const bad = { ...DEFAULT_SETTINGS, passwordCheckLifetime: { seconds: -1, nanos: 0 } };
    expect(await rejection(commands.updateSettings(defaultOwner, bad, "admin"))).toMatchObject({ code: "InvalidArgument" });
    expect(await eventTypes(defaultOwner)).toEqual(before);
  });
});

describe("an organization's login policy", () => {
  it("follows the default, including every later change of it, until it has its own", async () => {
    expect((await queries.orgPolicy(orgOwner.id)).isDefault).toBe(true);
    await commands.addFactor(defaultOwner, "second", "otp_sms", "admin");
    const { policy, isDefault } = await queries.orgPolicy(orgOwner.id);
    expect(isDefault).toBe(true);
    expect(policy.factors.second).toContain("otp_sms");
  });

  it("refuses factor and settings changes without a custom policy, and changes nothing (unlike ZITADEL)", async () => {
    const before = await eventTypes(orgOwner);
    // Factor changes: our own ID (ZITADEL accepts them and changes nothing); update and
    // reset: ZITADEL's.
    const notFound = (id: string) => ({ code: "NotFound", id, key: "Errors.Org.LoginPolicy.NotFound" });
    const add = await rejection(commands.addFactor(orgOwner, "multi", "u2f_with_verification", "admin"));
    expect(add).toMatchObject(notFound("Org-N0cst"));
    expect(add.message).toContain("add a custom login policy first");
    expect(await rejection(commands.removeFactor(orgOwner, "second", "otp", "admin"))).toMatchObject(notFound("Org-N0cst"));
    expect(await rejection(commands.updateSettings(orgOwner, DEFAULT_SETTINGS, "admin"))).toMatchObject(notFound("Org-M0sif"));
    expect(await rejection(commands.resetToDefault(orgOwner.id, "admin"))).toMatchObject(notFound("Org-GHB37"));
    expect(await eventTypes(orgOwner)).toEqual(before);
  });

  it("gets a custom policy with its initial factors, as one event per factor", async () => {
    const result = await commands.addCustomPolicy(
      orgOwner.id,
      { ...DEFAULT_SETTINGS, allowRegister: false },
      { second: ["otp_email"], multi: ["u2f_with_verification"] },
      "owner",
    );
    expect((await eventTypes(orgOwner)).slice(-3)).toEqual([
      "org.policy.login.added",
      "org.policy.login.secondfactor.added",
      "org.policy.login.multifactor.added",
    ]);
    const { policy, isDefault } = await queries.orgPolicy(orgOwner.id);
    expect(isDefault).toBe(false);
    expect(policy.settings.allowRegister).toBe(false);
    expect(policy.factors).toEqual({ second: ["otp_email"], multi: ["u2f_with_verification"] });
    expect(result.sequence).toBe(policy.sequence);
    expect(result.resourceOwner).toBe(orgOwner.id);
  });

  it("has one custom policy at most, and refuses a factor listed twice", async () => {
    await commands.addCustomPolicy(orgOwner.id, DEFAULT_SETTINGS, { second: [], multi: [] }, "owner");
    expect(
      await rejection(commands.addCustomPolicy(orgOwner.id, DEFAULT_SETTINGS, { second: [], multi: [] }, "owner")),
    ).toMatchObject({ code: "AlreadyExists", id: "Org-Dgfb2" });
    expect(
      await rejection(commands.addCustomPolicy("other", DEFAULT_SETTINGS, { second: ["otp", "otp"], multi: [] }, "owner")),
    ).toMatchObject({ code: "InvalidArgument", key: "Errors.Org.LoginPolicy.MFA.Duplicate" });
  });

  it("uses the org's IDs for factor errors once it has a custom policy", async () => {
    await commands.addCustomPolicy(orgOwner.id, DEFAULT_SETTINGS, { second: ["otp"], multi: ["u2f_with_verification"] }, "o");
    expect(await rejection(commands.addFactor(orgOwner, "multi", "u2f_with_verification", "o"))).toMatchObject({
      code: "AlreadyExists",
      id: "Org-3M9od",
      key: "Errors.Org.LoginPolicy.MFA.AlreadyExists",
    });
    expect(await rejection(commands.addFactor(orgOwner, "second", "otp", "o"))).toMatchObject({ id: "Org-2B0ps" });
    await commands.removeFactor(orgOwner, "multi", "u2f_with_verification", "o");
    expect(await rejection(commands.removeFactor(orgOwner, "multi", "u2f_with_verification", "o"))).toMatchObject({
      code: "NotFound",
      id: "Org-3M9df",
    });
  });

  it("follows the default again after a reset", async () => {
    await commands.addCustomPolicy(orgOwner.id, DEFAULT_SETTINGS, { second: [], multi: [] }, "o");
    await commands.resetToDefault(orgOwner.id, "o");
    expect((await eventTypes(orgOwner)).at(-1)).toBe("org.policy.login.removed");
    expect((await queries.orgPolicy(orgOwner.id)).isDefault).toBe(true);
  });

  it("is NotFound for an organization that does not exist", async () => {
    expect(
      await rejection(commands.addCustomPolicy("123", DEFAULT_SETTINGS, { second: [], multi: [] }, "o")),
    ).toMatchObject({ code: "NotFound", key: "Errors.Org.NotFound" });
  });
});

describe("concurrent commands", () => {
  it("let exactly one of two identical adds succeed; the other is AlreadyExists, and one event is written", async () => {
    const results = await Promise.allSettled([
      commands.addFactor(defaultOwner, "second", "otp_sms", "a"),
      commands.addFactor(defaultOwner, "second", "otp_sms", "b"),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const failure = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(failure.reason).toMatchObject({ code: "AlreadyExists" });
    const added = (await store.events(defaultOwner)).filter((e) => e.type === "instance.policy.login.secondfactor.added");
    expect(added.filter((e) => (e.payload as { factor: string }).factor === "otp_sms")).toHaveLength(1);
  });

  it("apply every distinct change exactly once, with gapless sequences", async () => {
    await commands.addCustomPolicy(orgOwner.id, DEFAULT_SETTINGS, { second: [], multi: [] }, "o");
    await Promise.all([
      commands.addFactor(orgOwner, "second", "otp", "a"),
      commands.addFactor(orgOwner, "second", "u2f", "b"),
      commands.addFactor(orgOwner, "second", "otp_email", "c"),
      commands.addFactor(orgOwner, "second", "otp_sms", "d"),
      commands.addFactor(orgOwner, "multi", "u2f_with_verification", "e"),
    ]);
    const { policy } = await queries.orgPolicy(orgOwner.id);
    expect([...policy.factors.second].sort()).toEqual(["otp", "otp_email", "otp_sms", "u2f"]);
    expect(policy.factors.multi).toEqual(["u2f_with_verification"]);
    const sequences = (await store.events(orgOwner)).map((e) => e.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
  });
});

describe("a precondition on a policy that follows the default", () => {
  const versionOf = ({ policy, isDefault }: PolicyState) => `${isDefault ? "d" : "c"}${policy.sequence}`;
  const ifAt = (version: string) => ({
    precondition: (current: PolicyState) => {
      if (versionOf(current) !== version) throw new DomainError("FailedPrecondition", "TEST-St4le", "stale", versionOf(current));
    },
  });

  it("is judged against the default as it is at the commit, even when the default changes after the command read it", async () => {
    const read = versionOf(await queries.orgPolicy(orgOwner.id));
    // The real store, with one thing added: the first decision gets the default as it was
    // before another writer changed it. So it goes on PostgreSQL, where the default is read
    // without its lock, and another writer's commit can come before the organization's.
    let raced = false;
    const racing: EventStore = Object.create(store, {
      decide: {
        value: async (...[aggregate, projection, key, decide, alongside]: Parameters<EventStore["decide"]>) => {
          if (raced || !alongside) return store.decide(aggregate, projection, key, decide, alongside);
          raced = true;
          const before = await store.snapshot(alongside.aggregate, alongside.projection, alongside.key);
          await commands.addFactor(defaultOwner, "second", "otp_sms", "other writer");
          return store.decide(aggregate, projection, key, (model) => decide(model, before), alongside);
        },
      },
    });
    const failure = await rejection(new LoginPolicyCommands(racing, instance.id).addCustomPolicy(orgOwner.id, DEFAULT_SETTINGS, DEFAULT_FACTORS, "o", ifAt(read)));
    expect(raced).toBe(true);
    expect(failure).toMatchObject({ id: "TEST-St4le", explanation: versionOf(await queries.orgPolicy(orgOwner.id)) });
    expect((await queries.orgPolicy(orgOwner.id)).isDefault).toBe(true);
    expect(await eventTypes(orgOwner)).not.toContain("org.policy.login.added");
  });

  it("writes nothing on a dry run, and answers the version the real call then produces", async () => {
    const dry = await commands.addCustomPolicy(orgOwner.id, DEFAULT_SETTINGS, DEFAULT_FACTORS, "o", { dryRun: true });
    expect((await queries.orgPolicy(orgOwner.id)).isDefault).toBe(true);
    const real = await commands.addCustomPolicy(orgOwner.id, DEFAULT_SETTINGS, DEFAULT_FACTORS, "o");
    expect(versionOf(dry.after)).toBe(versionOf(real.after));
    expect(versionOf(real.after)).toBe(versionOf(await queries.orgPolicy(orgOwner.id)));
    expect(dry.sequence).toBe(real.sequence);
  });
});
