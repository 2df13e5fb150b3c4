/**
 * Login-policy watch streams over every protocol the port speaks: the policy at once, then
 * after every change that affects it (the default's too, for an organization that follows
 * it), with its version; resumed from a version; ended when the caller's access goes, at
 * the per-process cap, and at shutdown; kept alive while quiet.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Code } from "@connectrpc/connect";
import http2 from "node:http2";
import { SecondFactorType } from "../../gen/zitadel/policy/v1/login_policy_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { bearer, ORG_HEADER, policyClients, watchClient, type ProtocolName } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { EventStreamClient } from "../support/event-stream-client.js";
import { Principals } from "../support/principals.js";
import { StreamReader } from "../support/stream-reader.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { waitFor } from "../support/wait-for.js";

let server: TestServer;
let principals: Principals;

beforeAll(async () => {
  server = await startTestServer({ LPS_KEEPALIVE_MS: "200", LPS_REQUEST_TIMEOUT_MS: "300", LPS_IDLE_TIMEOUT_MS: "300" });
  principals = new Principals(server);
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

const PROTOCOLS: ProtocolName[] = ["connect-json", "connect-binary", "grpc-web", "grpc"];

/** Every stream a test opens is cancelled at its end. */
function watching(): AbortController {
  const controller = new AbortController();
  opened.push(controller);
  return controller;
}
const opened: AbortController[] = [];
afterAll(() => opened.forEach((controller) => controller.abort()));

describe.each(PROTOCOLS)("over %s", (protocol) => {
  it("sends an organization's policy at once, then after each change of the default it follows and of its own", async () => {
    const orgId = await principals.org();
    const headers = { ...bearer(server.adminToken), [ORG_HEADER]: orgId };
    const { admin, management } = policyClients(protocol, server.url, headers);
    const stream = new StreamReader(watchClient(protocol, server.url, headers).watchLoginPolicy({}, { signal: watching().signal }));

    const first = await stream.next();
    const read = await management.getLoginPolicy({});
    expect(first.isDefault).toBe(true);
    expect(first.policy).toEqual(read.policy);
    expect(first.version).toBe(`d${read.policy!.details!.sequence}`);

    await admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS });
    const afterDefault = await stream.next("the default's change");
    expect(afterDefault.isDefault).toBe(true);
    expect(afterDefault.policy?.secondFactors).toContain(SecondFactorType.OTP_SMS);
    expect(afterDefault.version).not.toBe(first.version);

    await management.addCustomLoginPolicy({ allowUsernamePassword: true, secondFactors: [SecondFactorType.OTP_EMAIL] });
    const custom = await stream.next("the custom policy");
    expect(custom.isDefault).toBe(false);
    expect(custom.policy?.secondFactors).toEqual([SecondFactorType.OTP_EMAIL]);
    expect(custom.version).toMatch(/^c\d+$/);

    // The default changes again; the organization no longer follows it.
    await admin.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.OTP_SMS });
    await management.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP });
    const own = await stream.next("the custom policy's change");
    expect(own.policy?.secondFactors).toEqual([SecondFactorType.OTP_EMAIL, SecondFactorType.OTP]);
    expect(stream.pending).toBe(0);
  });

  it("streams the default policy with the permission Admin's GetLoginPolicy needs", async () => {
    const headers = bearer(server.adminToken);
    const { admin } = policyClients(protocol, server.url, headers);
    const stream = new StreamReader(watchClient(protocol, server.url, headers).watchDefaultLoginPolicy({}, { signal: watching().signal }));
    const first = await stream.next();
    expect(first.policy).toEqual((await admin.getLoginPolicy({})).policy);
    await admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_EMAIL });
    expect((await stream.next("the change")).policy?.secondFactors).toContain(SecondFactorType.OTP_EMAIL);
    await admin.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.OTP_EMAIL });
    expect((await stream.next("the change back")).policy?.secondFactors).not.toContain(SecondFactorType.OTP_EMAIL);

    const orgOwner = await principals.machineUser(await principals.org(), {});
    await principals.grant(orgOwner.userId, { orgs: { [orgOwner.orgId]: ["ORG_OWNER"] } });
    const refused = await new StreamReader(watchClient(protocol, server.url, bearer(orgOwner.token)).watchDefaultLoginPolicy({})).end();
    expect(refused?.code).toBe(Code.PermissionDenied);
    expect(refused?.findDetails(ErrorDetailSchema)[0]?.id).toBe("AUTH-5mWD2");
  });

  it("resumes: the current version is not sent again, another one is sent at once", async () => {
    const orgId = await principals.org();
    const headers = { ...bearer(server.adminToken), [ORG_HEADER]: orgId };
    const { management } = policyClients(protocol, server.url, headers);
    const client = watchClient(protocol, server.url, headers);
    const current = await new StreamReader(client.watchLoginPolicy({}, { signal: watching().signal })).next();

    const stale = new StreamReader(client.watchLoginPolicy({ lastVersion: "d1" }, { signal: watching().signal }));
    expect((await stale.next()).version).toBe(current.version);

    const resumed = new StreamReader(client.watchLoginPolicy({ lastVersion: current.version }, { signal: watching().signal }));
    // Proof that the resumed stream is open and quiet: a stream opened after it has answered.
    await new StreamReader(client.watchLoginPolicy({}, { signal: watching().signal })).next();
    expect(resumed.pending).toBe(0);
    await management.addCustomLoginPolicy({ allowUsernamePassword: true });
    const next = await resumed.next("the change after the resumed version");
    expect(next.isDefault).toBe(false);
  });

  it("ends the stream when the caller's token is revoked, or its membership removed", async () => {
    const orgId = await principals.org();
    const owner = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER"] } });
    const byToken = new StreamReader(watchClient(protocol, server.url, bearer(owner.token)).watchLoginPolicy({}));
    await byToken.next();
    await principals.revokeToken(owner);
    const revoked = await byToken.end();
    expect(revoked?.code).toBe(Code.Unauthenticated);
    expect(revoked?.findDetails(ErrorDetailSchema)[0]?.id).toBe("AUTH-7fs1e");

    const member = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER_VIEWER"] } });
    const byRole = new StreamReader(watchClient(protocol, server.url, bearer(member.token)).watchLoginPolicy({}));
    await byRole.next();
    await principals.revokeOrgRole(member.userId, orgId, "ORG_OWNER_VIEWER");
    expect((await byRole.end())?.code).toBe(Code.PermissionDenied);
  });
});

describe("keepalive and timeouts", () => {
  it("keeps a quiet gRPC stream alive past the request and idle timeouts, pinging its connection", async () => {
    const orgId = await principals.org();
    const session = http2.connect(server.url);
    let pings = 0;
    session.on("ping", () => pings++);
    const stream = session.request({
      ":method": "POST",
      ":path": "/lps.v1.LoginPolicyWatchService/WatchLoginPolicy",
      "content-type": "application/grpc",
      te: "trailers",
      ...bearer(server.adminToken),
      [ORG_HEADER]: orgId,
    });
    let frames = 0;
    stream.on("data", () => frames++);
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
    await waitFor(() => frames > 0, "the first message");
    // Many times the request and idle timeouts, and the keepalive interval, with nothing to send.
    await waitFor(() => pings >= 5, "five pings", 20_000);
    expect(stream.closed).toBe(false);
    expect(session.closed).toBe(false);
    await policyClients("grpc", server.url, { ...bearer(server.adminToken), [ORG_HEADER]: orgId }).management.addCustomLoginPolicy({ allowUsernamePassword: true });
    await waitFor(() => frames > 1, "the change after the quiet time");
    stream.close();
    session.close();
  });
});

describe("server-sent events", () => {
  const route = (path: string) => `${server.url}/v1/policies${path}`;

  it("sends the policy as GetLoginPolicy's JSON, with its version as the id, comments while quiet, and honours Last-Event-ID", async () => {
    const orgId = await principals.org();
    const headers = { ...bearer(server.adminToken), [ORG_HEADER]: orgId };
    const events = new EventStreamClient(route("/login/_watch"), { ...headers, accept: "text/event-stream" });
    const first = await events.next();
    expect(events.status).toBe(200);
    expect(events.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    const rest = (await (await fetch(`${server.url}/management/v1/policies/login`, { headers })).json()) as Record<string, unknown>;
    const data = JSON.parse(first.data) as Record<string, unknown>;
    expect(data.policy).toEqual(rest.policy);
    expect(data.isDefault).toBe(true);
    expect(first.id).toBe(data.version);

    // Quiet for many keepalive intervals (and past the request and idle timeouts).
    await waitFor(() => events.comments >= 5, "five comment lines", 20_000);
    expect(events.ended).toBe(false);
    await policyClients("connect-json", server.url, headers).management.addCustomLoginPolicy({ allowUsernamePassword: true });
    const changed = await events.next("the change");
    // Proto3 JSON leaves false out, as the REST answers do.
    expect(JSON.parse(changed.data).isDefault).toBeUndefined();
    expect(changed.id).toMatch(/^c\d+$/);
    events.close();

    const resumed = new EventStreamClient(route("/login/_watch"), { ...headers, accept: "text/event-stream", "last-event-id": changed.id! });
    const stale = new EventStreamClient(route("/login/_watch"), { ...headers, accept: "text/event-stream", "last-event-id": first.id! });
    expect((await stale.next()).id).toBe(changed.id);
    expect(resumed.events).toEqual([]);
    expect(resumed.ended).toBe(false);
    resumed.close();
    stale.close();
  });

  it("streams the default policy, and refuses as REST refuses", async () => {
    const events = new EventStreamClient(route("/default/login/_watch"), { ...bearer(server.adminToken), accept: "text/event-stream" });
    const first = JSON.parse((await events.next()).data) as Record<string, unknown>;
    const rest = (await (await fetch(`${server.url}/admin/v1/policies/login`, { headers: bearer(server.adminToken) })).json()) as Record<string, unknown>;
    expect(first.policy).toEqual(rest.policy);
    events.close();

    const anonymous = new EventStreamClient(route("/default/login/_watch"), { accept: "text/event-stream" });
    await anonymous.end();
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body).code).toBe(Code.Unauthenticated);

    const notEvents = new EventStreamClient(route("/default/login/_watch"), { ...bearer(server.adminToken), accept: "application/json" });
    await notEvents.end();
    expect(notEvents.status).toBe(400);
    expect(JSON.parse(notEvents.body).details[0].id).toBe("REST-Ev3nt");
  });

  it("ends with an error event when the caller's token is revoked", async () => {
    const orgId = await principals.org();
    const owner = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER"] } });
    const events = new EventStreamClient(route("/login/_watch"), { ...bearer(owner.token), accept: "text/event-stream" });
    await events.next();
    await principals.revokeToken(owner);
    const error = await events.next("the error event");
    expect(error.event).toBe("error");
    expect(JSON.parse(error.data).code).toBe(Code.Unauthenticated);
    await events.end();
  });
});

describe("limits and shutdown", () => {
  it("refuses watchers beyond the per-process cap with ResourceExhausted, and admits again once one ends", async () => {
    const capped = await startTestServer({ LPS_MAX_WATCHERS: "2" });
    try {
      const client = watchClient("grpc", capped.url, bearer(capped.adminToken));
      const first = watching();
      const held = [first, watching()].map((controller) => new StreamReader(client.watchDefaultLoginPolicy({}, { signal: controller.signal })));
      await Promise.all(held.map((stream) => stream.next()));
      const refused = await new StreamReader(client.watchDefaultLoginPolicy({})).end();
      expect(refused?.code).toBe(Code.ResourceExhausted);
      expect(refused?.findDetails(ErrorDetailSchema)[0]?.id).toBe("RPC-Str3m");

      const events = new EventStreamClient(`${capped.url}/v1/policies/default/login/_watch`, {
        ...bearer(capped.adminToken),
        accept: "text/event-stream",
      });
      await events.end();
      expect(events.status).toBe(429);

      first.abort();
      await held[0]!.end();
      const admitted = await waitFor(async () => {
        const stream = new StreamReader(client.watchDefaultLoginPolicy({}, { signal: watching().signal }));
        return stream.next().then(() => true, () => false);
      }, "a watcher admitted again");
      expect(admitted).toBe(true);
    } finally {
      await capped.close();
    }
  });

  it("ends every stream with Unavailable when the server shuts down", async () => {
    const closing = await startTestServer({ LPS_SHUTDOWN_GRACE_MS: "60000" });
    const grpc = new StreamReader(watchClient("grpc", closing.url, bearer(closing.adminToken)).watchDefaultLoginPolicy({}));
    const connect = new StreamReader(watchClient("connect-json", closing.url, bearer(closing.adminToken)).watchDefaultLoginPolicy({}));
    const events = new EventStreamClient(`${closing.url}/v1/policies/default/login/_watch`, {
      ...bearer(closing.adminToken),
      accept: "text/event-stream",
    });
    await Promise.all([grpc.next(), connect.next(), events.next()]);
    const started = Date.now();
    await closing.close();
    // Well before the grace period: the streams did not hold the shutdown up.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await grpc.end())?.code).toBe(Code.Unavailable);
    expect((await connect.end())?.code).toBe(Code.Unavailable);
    const last = await events.next("the error event");
    expect(last.event).toBe("error");
    expect(JSON.parse(last.data).code).toBe(Code.Unavailable);
  });
});
