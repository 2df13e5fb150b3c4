/**
 * Every event records who caused it: the user ID of the caller whose call added it, however
 * that caller authenticated and whichever protocol it used.
 */
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { INSTANCE, ORG } from "../../src/events/aggregates.js";
import type { AggregateRef } from "../../src/eventstore/event.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { accessToken, issuerSettings, keySet, KeySetFile, signingKey, type SigningKey } from "../support/jwt-issuer.js";
import { Principals } from "../support/principals.js";
import { rest } from "../support/rest-client.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let client: GrpcJsClient;
let principals: Principals;
let key: SigningKey;

beforeAll(async () => {
  key = await signingKey("k1");
  server = await startTestServer(issuerSettings({ file: new KeySetFile(keySet(key)).path }));
  client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
  principals = new Principals(server);
});

afterAll(async () => {
  client.close();
  await server.close();
  removeTempDirs();
});

/** Makes the write and returns the creators of the events it added to the aggregate. */
async function creatorsOf(aggregate: AggregateRef, write: () => Promise<unknown>): Promise<string[]> {
  const before = (await server.store.events(aggregate)).length;
  await write();
  return (await server.store.events(aggregate, before)).map((event) => event.creator);
}

/** A custom policy with a second and a multi-factor: one event each, beside the policy's own. */
const CUSTOM_POLICY = { allowUsernamePassword: true, secondFactors: ["SECOND_FACTOR_TYPE_OTP"], multiFactors: ["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"] };

it("a machine user's call records its user ID on every event it adds", async () => {
  const orgId = await principals.org();
  const owner = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER"] } });
  const creators = await creatorsOf({ type: ORG, id: orgId }, async () =>
    expectOk(await client.call("management", "AddCustomLoginPolicy", CUSTOM_POLICY, bearer(owner.token))),
  );
  expect(creators).toEqual([owner.userId, owner.userId, owner.userId]);
});

it("the first start's admin's call records the admin's user ID", async () => {
  const adminUserId = server.logs.find((line) => line.msg === "instance created")!.adminUserId;
  const factor = { type: "SECOND_FACTOR_TYPE_OTP_SMS" };
  const creators = await creatorsOf({ type: INSTANCE, id: server.instance.id }, async () => {
    expectOk(await client.call("admin", "AddSecondFactorToLoginPolicy", factor, bearer(server.adminToken)));
    expectOk(await client.call("admin", "RemoveSecondFactorFromLoginPolicy", factor, bearer(server.adminToken)));
  });
  expect(creators).toEqual([adminUserId, adminUserId]);
});

it("a JWT's call records its subject", async () => {
  const orgId = await principals.org();
  const subject = "auditor@issuer.example.com";
  await principals.grant(subject, { orgs: { [orgId]: ["ORG_OWNER"] } });
  const jwt = await accessToken(key, subject);
  const creators = await creatorsOf({ type: ORG, id: orgId }, async () =>
    expectOk(await client.call("management", "AddCustomLoginPolicy", { allowUsernamePassword: true }, { ...bearer(jwt), "x-zitadel-orgid": orgId })),
  );
  expect(creators).toEqual([subject]);
});

it("a REST call records its caller", async () => {
  const orgId = await principals.org();
  const owner = await principals.machineUser(orgId, { orgs: { [orgId]: ["ORG_OWNER"] } });
  const creators = await creatorsOf({ type: ORG, id: orgId }, async () => {
    const answer = await rest(server.url, "POST", "/management/v1/policies/login", { body: { allowUsernamePassword: true }, headers: bearer(owner.token) });
    expect(answer.status).toBe(200);
  });
  expect(creators).toEqual([owner.userId]);
});
