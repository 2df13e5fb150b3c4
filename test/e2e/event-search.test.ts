/**
 * ZITADEL's event search (AdminService ListEvents, ListEventTypes, ListAggregateTypes) over
 * gRPC, gRPC-Web, Connect and REST against the real server: each filter, both orders, pages
 * that together hold every event exactly once, the permission, and no secret in any payload.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createHash } from "node:crypto";
import { AdminService, type ListEventsRequestSchema } from "../../gen/zitadel/admin/v1/admin_pb.js";
import type { Event } from "../../gen/zitadel/event/v1/event_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { bearer, ORG_HEADER, transport, type ProtocolName } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { UserCommands } from "../../src/command/user-commands.js";
import { IdGenerator } from "../../src/id-generator.js";
import { Principals, type Principal } from "../support/principals.js";
import { rest } from "../support/rest-client.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const PROTOCOLS: ProtocolName[] = ["connect-json", "connect-binary", "grpc-web", "grpc"];

let server: TestServer;
let orgId: string;
/** A user who changed the organization's policy, and an org owner without events.read. */
let editor: Principal;
let viewer: Principal;
/** Every token issued in this test, whose hashes must never show. */
const tokens: string[] = [];

function admin(protocol: ProtocolName, token = server.adminToken): Client<typeof AdminService> {
  return createClient(AdminService, transport(protocol, server.url, bearer(token)));
}

beforeAll(async () => {
  server = await startTestServer();
  const principals = new Principals(server);
  orgId = await principals.org();
  editor = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER"] } });
  viewer = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER"] }, instance: ["IAM_OWNER_VIEWER"] });
  tokens.push(server.adminToken, editor.token, viewer.token);
  const management = createClient(ManagementService, transport("grpc", server.url, { ...bearer(editor.token), [ORG_HEADER]: orgId }));
  await management.addCustomLoginPolicy({ allowUsernamePassword: true, passwordlessType: 1, secondFactors: [1] });
  await management.addSecondFactorToLoginPolicy({ type: 4 });
  await management.removeSecondFactorFromLoginPolicy({ type: 1 });
  await management.addSecondFactorToLoginPolicy({ type: 3 });
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

const label = (event: Event) => `${event.aggregate?.type?.type}/${event.aggregate?.id}#${event.sequence}`;

describe.each(PROTOCOLS)("over %s", (protocol) => {
  let client: Client<typeof AdminService>;
  beforeAll(() => {
    client = admin(protocol);
  });
  const list = async (request: MessageInitShape<typeof ListEventsRequestSchema>) => (await client.listEvents(request)).events;

  it("lists the newest first by default, and the oldest first with asc, with editor, aggregate and payload", async () => {
    const newest = await list({ limit: 3 });
    expect(newest).toHaveLength(3);
    const times = newest.map((event) => timestampDate(event.creationDate!).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const oldest = await list({ asc: true, limit: 1 });
    expect(oldest[0]).toMatchObject({ type: { type: "instance.added" }, sequence: 1n, aggregate: { id: server.instance.id } });
    const latest = newest[0]!;
    expect(latest).toMatchObject({
      type: { type: "org.policy.login.secondfactor.added", localized: { key: "EventTypes.org.policy.login.secondfactor.added" } },
      editor: { userId: editor.userId },
      aggregate: { id: orgId, type: { type: "org" }, resourceOwner: orgId },
      payload: { factor: "otp_email" },
    });
    expect(latest.editor?.displayName).not.toBe("");
  });

  it("filters by editor, event types, aggregate ID and types, resource owner and sequence", async () => {
    const byEditor = await list({ editorUserId: editor.userId, asc: true });
    // The custom policy came with OTP: its addition is two events.
    expect(byEditor.map((event) => event.type?.type)).toEqual([
      "org.policy.login.added",
      "org.policy.login.secondfactor.added",
      "org.policy.login.secondfactor.added",
      "org.policy.login.secondfactor.removed",
      "org.policy.login.secondfactor.added",
    ]);
    const byType = await list({ eventTypes: ["org.policy.login.secondfactor.removed", "org.added"] });
    expect(new Set(byType.map((event) => event.type?.type))).toEqual(new Set(["org.policy.login.secondfactor.removed", "org.added"]));
    const byAggregate = await list({ aggregateId: orgId, aggregateTypes: ["org"], asc: true });
    expect(byAggregate.map((event) => Number(event.sequence))).toEqual(byAggregate.map((_, index) => index + 1));
    expect(byAggregate.every((event) => event.aggregate?.id === orgId)).toBe(true);
    const users = await list({ aggregateTypes: ["user"] });
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((event) => event.aggregate?.type?.type === "user")).toBe(true);
    const owned = await list({ resourceOwner: server.instance.id });
    expect(owned.length).toBeGreaterThan(0);
    expect(owned.every((event) => event.aggregate?.resourceOwner === server.instance.id)).toBe(true);
    const later = await list({ aggregateId: orgId, sequence: BigInt(byAggregate.length - 2), asc: true });
    expect(later.map(label)).toEqual(byAggregate.slice(-2).map(label));
  });

  it("filters by a creation date range, since included and until not", async () => {
    const all = await list({ asc: true });
    const middle = all[Math.floor(all.length / 2)]!;
    const at = middle.creationDate!;
    const since = await list({ asc: true, creationDateFilter: { case: "range", value: { since: at } } });
    expect(since.every((event) => timestampDate(event.creationDate!) >= timestampDate(at))).toBe(true);
    expect(since.map(label)).toContain(label(middle));
    const until = await list({ asc: true, creationDateFilter: { case: "range", value: { until: at } } });
    expect(until.every((event) => timestampDate(event.creationDate!) < timestampDate(at))).toBe(true);
    expect(since.length + until.length).toBe(all.length);
  });

  it.each([false, true])("pages through the whole log with from (asc %s), every event exactly once", async (asc) => {
    const all = (await list({ asc })).map(label);
    const seen: string[] = [];
    let from: Event["creationDate"];
    for (let pages = 0; pages < all.length; pages++) {
      const page = await list({ asc, limit: 2, ...(from && { creationDateFilter: { case: "from", value: from } }) });
      if (page.length === 0) break;
      seen.push(...page.map(label));
      from = page.at(-1)!.creationDate;
    }
    expect(seen).toEqual(all);
  });

  it("lists the event and aggregate types the log can hold", async () => {
    const { eventTypes } = await client.listEventTypes({});
    expect(eventTypes.map((type) => type.type)).toEqual(
      expect.arrayContaining(["instance.added", "org.policy.login.secondfactor.added", "user.personal.access.token.added"]),
    );
    const { aggregateTypes } = await client.listAggregateTypes({});
    expect(aggregateTypes.map((type) => type.type)).toEqual(["instance", "org", "user"]);
  });

  it("takes at most 100 values in each filter of types, and says so past that", async () => {
    const types = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}.${i}`);
    await expect(list({ eventTypes: [...types(99, "none"), "instance.added"], aggregateTypes: types(100, "none") })).resolves.toEqual([]);
    expect(await list({ eventTypes: [...types(99, "none"), "instance.added"] })).toHaveLength(1);
    // 40,000 once reached the database, which refused a statement with so many values: Internal.
    for (const request of [{ eventTypes: types(101, "none") }, { aggregateTypes: types(40_000, "none") }]) {
      const error = await client.listEvents(request).then(() => undefined, ConnectError.from);
      expect(error?.code).toBe(Code.InvalidArgument);
      expect(error?.findDetails(ErrorDetailSchema)[0]?.id).toBe("EVENT-F1ltr");
      expect(error?.rawMessage).toMatch(/at most 100/);
    }
  });

  it("needs events.read, which an organization owner and an IAM_OWNER_VIEWER lack", async () => {
    for (const token of [editor.token, viewer.token]) {
      const error = await admin(protocol, token)
        .listEvents({})
        .then(() => undefined, ConnectError.from);
      expect(error?.code).toBe(Code.PermissionDenied);
      expect(error?.findDetails(ErrorDetailSchema)[0]?.id).toBe("AUTH-5mWD2");
    }
  });
});

describe("over REST", () => {
  const search = (path: string, body: unknown) => rest(server.url, "POST", path, { headers: bearer(server.adminToken), body });

  it("POST /admin/v1/events/_search filters and pages as the RPC does", async () => {
    const first = await search("/admin/v1/events/_search", { limit: 1, eventTypes: ["org.policy.login.secondfactor.added"] });
    expect(first.status).toBe(200);
    expect(first.body.events).toHaveLength(1);
    expect(first.body.events[0]).toMatchObject({ type: { type: "org.policy.login.secondfactor.added" }, payload: { factor: "otp_email" } });
    const next = await search("/admin/v1/events/_search", {
      limit: 1,
      eventTypes: ["org.policy.login.secondfactor.added"],
      from: first.body.events[0].creationDate,
    });
    expect(next.body.events[0].payload).toEqual({ factor: "otp_sms" });
  });

  it("POST /admin/v1/events/types/_search and /admin/v1/aggregates/types/_search list the types", async () => {
    expect((await search("/admin/v1/events/types/_search", {})).body.eventTypes.length).toBeGreaterThan(10);
    expect((await search("/admin/v1/aggregates/types/_search", {})).body.aggregateTypes).toHaveLength(3);
  });
});

describe("secrets", () => {
  it("no payload holds a token or its hash, though the tokens' events are listed", async () => {
    const { userId } = viewer;
    const users = new UserCommands(server.store, new IdGenerator());
    const revoked = await users.addToken(editor.userId, undefined, "test-setup");
    tokens.push(revoked.token);
    await users.revokeToken(editor.userId, revoked.tokenId, "test-setup");
    const client = admin("connect-json");
    const events: Event[] = [];
    let from: Event["creationDate"];
    for (;;) {
      const page = (await client.listEvents({ asc: true, limit: 50, ...(from && { creationDateFilter: { case: "from", value: from } }) })).events;
      if (page.length === 0) break;
      events.push(...page);
      from = page.at(-1)!.creationDate;
    }
    const issued = events.filter((event) => event.type?.type === "user.personal.access.token.added");
    expect(issued.length).toBeGreaterThanOrEqual(tokens.length);
    expect(issued.find((event) => event.aggregate?.id === userId)?.payload).toEqual({ tokenId: viewer.tokenId });
    const text = JSON.stringify(events.map((event) => event.payload));
    for (const token of tokens) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(createHash("sha256").update(token).digest("hex"));
    }
    expect(events.some((event) => event.type?.type === "user.personal.access.token.removed")).toBe(true);
    expect(text).not.toMatch(/tokenHash/i);
  });
});
