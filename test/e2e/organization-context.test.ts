/**
 * Which organization a Management call acts on: the x-zitadel-orgid header, else the
 * caller's own (a machine user's organization, or the one a ZITADEL token names), else
 * none; and that an outsider cannot tell an organization that is not theirs from one that
 * does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { expectRefused, ORG_MISSING, PERMISSION_DENIED, withoutEvents } from "../support/access-refusals.js";
import { expectError, expectOk } from "../support/grpc-outcomes.js";
import { accessToken, issuerSettings, keySet, KeySetFile, signingKey, type SigningKey } from "../support/jwt-issuer.js";
import { Principals, type Principal } from "../support/principals.js";
import { rest } from "../support/rest-client.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

/** The claim by which ZITADEL's tokens name their user's organization. */
const RESOURCE_OWNER_CLAIM = "urn:zitadel:iam:user:resourceowner:id";
const NO_SUCH_ORG = "999999999999999999";

let server: TestServer;
let client: GrpcJsClient;
let principals: Principals;
let key: SigningKey;
let orgA: string;
let orgB: string;
/** A machine user of org A, ORG_OWNER there. */
let ownerOfA: Principal;

beforeAll(async () => {
  key = await signingKey("k1");
  server = await startTestServer(issuerSettings({ file: new KeySetFile(keySet(key)).path }));
  client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
  principals = new Principals(server);
  [orgA, orgB] = [await principals.org(), await principals.org()];
  ownerOfA = await principals.machineUser(orgA, { orgs: { [orgA]: ["ORG_OWNER"] } });
});

afterAll(async () => {
  client.close();
  await server.close();
  removeTempDirs();
});

/** Makes an organization's own policy: a write that changes the organization named. */
function addCustomPolicy(authorization: Record<string, string>, orgId?: string) {
  return client.call("management", "AddCustomLoginPolicy", { allowUsernamePassword: true }, { ...authorization, ...(orgId && { "x-zitadel-orgid": orgId }) });
}

async function jwtOf(sub: string, claims = {}): Promise<Record<string, string>> {
  return bearer(await accessToken(key, sub, { claims }));
}

describe("a JWT", () => {
  it("whose sub names a machine user acts in that user's organization", async () => {
    const user = await principals.machineUser(await principals.org(), {});
    await principals.grant(user.userId, { orgs: { [user.orgId]: ["ORG_OWNER"] } });
    const { details } = expectOk(await addCustomPolicy(await jwtOf(user.userId)));
    expect(details.resourceOwner).toBe(user.orgId);
  });

  it("of an external subject, granted a role by user ID, acts on the organization the header names", async () => {
    const orgId = await principals.org();
    await principals.grant("carol@issuer.example.com", { orgs: { [orgId]: ["ORG_OWNER"] } });
    const { details } = expectOk(await addCustomPolicy(await jwtOf("carol@issuer.example.com"), orgId));
    expect(details.resourceOwner).toBe(orgId);
  });

  it("of an external subject without the header: InvalidArgument, Errors.Org.Missing, saying to send it", async () => {
    const orgId = await principals.org();
    await principals.grant("dan@issuer.example.com", { orgs: { [orgId]: ["ORG_OWNER"] } });
    const call = async () => addCustomPolicy(await jwtOf("dan@issuer.example.com"));
    expect(await expectRefused(server.databaseUrl, call, ORG_MISSING)).toContain("x-zitadel-orgid");
  });

  it("naming its user's organization (ZITADEL's resourceowner claim) acts there without the header", async () => {
    const orgId = await principals.org();
    await principals.grant("erin@issuer.example.com", { orgs: { [orgId]: ["ORG_OWNER"] } });
    const { details } = expectOk(await addCustomPolicy(await jwtOf("erin@issuer.example.com", { [RESOURCE_OWNER_CLAIM]: orgId })));
    expect(details.resourceOwner).toBe(orgId);
  });

  it("naming an organization where its subject has no role gains nothing there", async () => {
    const call = async () => addCustomPolicy(await jwtOf("erin@issuer.example.com", { [RESOURCE_OWNER_CLAIM]: orgA }));
    await expectRefused(server.databaseUrl, call, PERMISSION_DENIED);
  });
});

describe("an organization the caller may not touch, and one that does not exist", () => {
  /** The ORG_OWNER of org A tries to write the organization named; nothing may be written. */
  const refusedOn = (orgId: string) => withoutEvents(server.databaseUrl, () => addCustomPolicy(bearer(ownerOfA.token), orgId));

  it("answer the same PermissionDenied (AUTH-5mWD2): same code, message and details", async () => {
    const foreign = await refusedOn(orgB);
    expectError(foreign, PERMISSION_DENIED);
    expect(await refusedOn(NO_SUCH_ORG)).toEqual(foreign);
  });

  it("answer the same over REST, to an IAM_OWNER too for one that does not exist", async () => {
    const answer = (token: string, orgId: string) =>
      withoutEvents(server.databaseUrl, () =>
        rest(server.url, "POST", "/management/v1/policies/login", { body: { allowUsernamePassword: true }, headers: { ...bearer(token), "x-zitadel-orgid": orgId } }),
      );
    const foreign = await answer(ownerOfA.token, orgB);
    expect(foreign.status).toBe(403);
    expect(foreign.body.details).toEqual([{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id: PERMISSION_DENIED.id, message: PERMISSION_DENIED.key }]);
    for (const [token, orgId] of [
      [ownerOfA.token, NO_SUCH_ORG],
      [server.adminToken, NO_SUCH_ORG],
    ] as const) {
      const unknown = await answer(token, orgId);
      expect({ status: unknown.status, body: unknown.body }).toEqual({ status: foreign.status, body: foreign.body });
    }
  });

  it("include IDs that are names of JavaScript's built-in object properties", async () => {
    const foreign = await refusedOn(orgB);
    for (const orgId of ["constructor", "__proto__", "toString", "hasOwnProperty"]) expect(await refusedOn(orgId)).toEqual(foreign);
  });
});
