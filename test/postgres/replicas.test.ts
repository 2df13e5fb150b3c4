/**
 * Three server processes on one PostgreSQL database, as behind a load balancer. They start
 * together on the empty database; writers spread over them race on the same policies; then
 * the events are exactly those the acknowledged calls caused, each aggregate's sequence is
 * gapless, the rules held at every step, and every replica reads the same state: the state
 * the events describe.
 */
import { afterAll, expect, it } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient, type GrpcResult, type GrpcService } from "../../harness/grpc-js-client.js";
import { createDatabase } from "../../harness/postgres-cluster.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import type { StoredEvent } from "../../src/eventstore/event.js";
import { loginPolicyProjection, type LoginPolicyDocument } from "../../src/projections/login-policy-projection.js";
import { describePostgres } from "../support/describe-postgres.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { openStore } from "../support/test-database.js";
import { sharedClusterUrl } from "../support/test-postgres.js";

afterAll(removeTempDirs);

const REPLICAS = 3;
const WRITERS_PER_REPLICA = 3;
const CALLS_PER_WRITER = 12;

const SMS = "SECOND_FACTOR_TYPE_OTP_SMS";
const PASSKEY = "MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION";

/** A call writers race on, and the events it appends when it succeeds. */
interface Operation {
  readonly service: GrpcService;
  readonly method: string;
  readonly request: object;
  readonly aggregate: "instance" | "org";
  readonly events: readonly string[];
}

const OPERATIONS: readonly Operation[] = [
  { service: "admin", method: "AddSecondFactorToLoginPolicy", request: { type: SMS }, aggregate: "instance", events: ["instance.policy.login.secondfactor.added"] },
  { service: "admin", method: "RemoveSecondFactorFromLoginPolicy", request: { type: SMS }, aggregate: "instance", events: ["instance.policy.login.secondfactor.removed"] },
  { service: "admin", method: "RemoveMultiFactorFromLoginPolicy", request: { type: PASSKEY }, aggregate: "instance", events: ["instance.policy.login.multifactor.removed"] },
  { service: "admin", method: "AddMultiFactorToLoginPolicy", request: { type: PASSKEY }, aggregate: "instance", events: ["instance.policy.login.multifactor.added"] },
  {
    service: "management",
    method: "AddCustomLoginPolicy",
    request: { allowUsernamePassword: true, secondFactors: ["SECOND_FACTOR_TYPE_OTP_EMAIL"] },
    aggregate: "org",
    events: ["org.policy.login.added", "org.policy.login.secondfactor.added"],
  },
  { service: "management", method: "AddSecondFactorToLoginPolicy", request: { type: SMS }, aggregate: "org", events: ["org.policy.login.secondfactor.added"] },
  { service: "management", method: "RemoveSecondFactorFromLoginPolicy", request: { type: SMS }, aggregate: "org", events: ["org.policy.login.secondfactor.removed"] },
  { service: "management", method: "ResetLoginPolicyToDefault", request: {}, aggregate: "org", events: ["org.policy.login.removed"] },
];

/**
 * Refusals the rules give racing writers; anything else is a failure. Not Aborted: writers
 * take turns under the policy's lock, so none gives up on a race.
 */
const RACE_REFUSALS = [status.ALREADY_EXISTS, status.NOT_FOUND];

describePostgres("three replicas on one PostgreSQL database", () => {
  it("create one instance, apply every acknowledged write exactly once, and read the same state", async () => {
    const databaseUrl = await createDatabase(sharedClusterUrl());
    const patPath = join(tempDir(), "admin.pat");
    const replicas = await Promise.all(
      Array.from({ length: REPLICAS }, () =>
        startServerProcess({ LPS_DATABASE_URL: databaseUrl, LPS_LOG_LEVEL: "info", LPS_ADMIN_PAT_PATH: patPath }),
      ),
    );
    const store = await openStore(databaseUrl);
    const clients = replicas.map((replica) => new GrpcJsClient(new URL(replica.url).host, undefined, {}, bearer(readFileSync(patPath, "utf8").trim())));
    try {
      const starts = replicas.map((replica) => startOf(replica));
      expect(starts.filter((start) => start.created)).toHaveLength(1);
      expect(new Set(starts.map((start) => start.instanceId)).size).toBe(1);
      const instanceId = starts[0]!.instanceId;
      const instance = await store.document<{ defaultOrgId: string }>("instance", "current");
      const orgId = instance!.defaultOrgId;
      const aggregates = { instance: { type: "instance", id: instanceId }, org: { type: "org", id: orgId } };
      const setUp = { instance: (await store.events(aggregates.instance)).length, org: (await store.events(aggregates.org)).length };
      expect((await store.events(aggregates.instance)).filter((e) => e.type === "instance.added")).toHaveLength(1);

      const call = (client: GrpcJsClient, op: Operation) =>
        client.call(op.service, op.method, op.request, op.service === "management" ? { "x-zitadel-orgid": orgId } : {});
      const outcomes: { op: Operation; result: GrpcResult }[] = [];
      await Promise.all(
        clients.flatMap((client, r) =>
          Array.from({ length: WRITERS_PER_REPLICA }, async (_, w) => {
            for (let i = 0; i < CALLS_PER_WRITER; i++) {
              const op = OPERATIONS[(r * WRITERS_PER_REPLICA + w + i) % OPERATIONS.length]!;
              outcomes.push({ op, result: await call(client, op) });
            }
          }),
        ),
      );

      const unexpected = outcomes.filter(({ result }) => !result.ok && !RACE_REFUSALS.includes(result.code));
      expect(unexpected.map(({ op, result }) => `${op.method}: ${JSON.stringify(result)}`)).toEqual([]);
      const acknowledged = outcomes.filter(({ result }) => result.ok);
      expect(acknowledged.length).toBeGreaterThan(0);

      // Exactly the events the acknowledged calls reported, at the sequences they reported.
      const expected = new Map<string, string>();
      for (const { op, result } of acknowledged) {
        const last = Number(((result as { response: any }).response.details as { sequence: string }).sequence);
        op.events.forEach((type, i) => {
          const key = `${op.aggregate} ${last - op.events.length + 1 + i}`;
          expect(expected.has(key)).toBe(false);
          expected.set(key, type);
        });
      }
      const events = { instance: await store.events(aggregates.instance), org: await store.events(aggregates.org) };
      const written = new Map(
        (["instance", "org"] as const).flatMap((kind) =>
          events[kind].slice(setUp[kind]).map((event): [string, string] => [`${kind} ${event.sequence}`, event.type]),
        ),
      );
      expect(written).toEqual(expected);

      for (const kind of ["instance", "org"] as const) {
        expect(events[kind].map((e) => e.sequence)).toEqual(events[kind].map((_, i) => i + 1));
        expect(ruleBreaks(events[kind])).toEqual([]);
      }

      // Every replica reads the same policies, and they are what the events say.
      const reads = await Promise.all(
        clients.map(async (client) => ({
          instance: expectOk(await client.call("admin", "GetLoginPolicy")),
          org: expectOk(await client.call("management", "GetLoginPolicy", {}, { "x-zitadel-orgid": orgId })),
        })),
      );
      for (const read of reads.slice(1)) expect(read).toEqual(reads[0]);
      const replayed = { instance: replay(events.instance), org: replay(events.org) };
      expect(factorsOf(reads[0]!.instance.policy)).toEqual(factorNames(replayed.instance!));
      expect(reads[0]!.instance.policy.details.sequence).toBe(String(events.instance.length));
      expect(reads[0]!.org.isDefault).toBe(replayed.org === undefined);
      if (replayed.org) expect(factorsOf(reads[0]!.org.policy)).toEqual(factorNames(replayed.org));
    } finally {
      for (const client of clients) client.close();
      await store.close();
      expect(await Promise.all(replicas.map((replica) => replica.stop()))).toEqual(replicas.map(() => 0));
    }
  });
});

/** What a replica logged when it found or created the instance. */
function startOf(replica: ServerProcess): { instanceId: string; created: boolean } {
  const line = replica
    .output()
    .split("\n")
    .find((l) => l.includes('"instanceId"'));
  if (!line) throw new Error(`no start-up line in:\n${replica.output()}`);
  const { instanceId, msg } = JSON.parse(line) as { instanceId: string; msg: string };
  return { instanceId, created: msg === "instance created" };
}

/**
 * Events that broke a rule: adding what was there, removing what was not. Removing an
 * organization's policy removes its factors with it.
 */
function ruleBreaks(events: readonly StoredEvent[]): string[] {
  const present = new Set<string>();
  const breaks: string[] = [];
  for (const event of events) {
    const match = /^(.*)\.(added|removed)$/.exec(event.type);
    if (!match) continue;
    const subject = `${match[1]} ${(event.payload as { factor?: string }).factor ?? ""}`;
    const adding = match[2] === "added";
    if (adding === present.has(subject)) breaks.push(`${event.sequence} ${event.type} ${subject}`);
    if (adding) present.add(subject);
    else {
      present.delete(subject);
      for (const held of [...present]) if (held.startsWith(`${match[1]}.`)) present.delete(held);
    }
  }
  return breaks;
}

/** The policy as the projection's reducer makes it from every event, in order. */
function replay(events: readonly StoredEvent[]): LoginPolicyDocument | undefined {
  return events
    .filter((event) => loginPolicyProjection.handles.has(event.type))
    .reduce<LoginPolicyDocument | undefined>((doc, event) => loginPolicyProjection.reduce(doc, event), undefined);
}

function factorsOf(policy: { secondFactors: string[]; multiFactors: string[] }) {
  return { second: policy.secondFactors, multi: policy.multiFactors };
}

function factorNames(policy: LoginPolicyDocument) {
  return {
    second: policy.factors.second.map((f) => `SECOND_FACTOR_TYPE_${f.toUpperCase()}`),
    multi: policy.factors.multi.map((f) => `MULTI_FACTOR_TYPE_${f.toUpperCase()}`),
  };
}
