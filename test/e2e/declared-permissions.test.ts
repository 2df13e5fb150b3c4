/**
 * Every RPC enforces the permission its proto declares (zitadel.v1.auth_option), read here
 * from the generated descriptors as the server reads it. A role table of our own
 * (LPS_ROLES_FILE) has, for each declared permission, a role with every other permission
 * and a role with that one alone; each method is called by holders of both, as a role on
 * the instance and as a role on the organization. Only an instance role admits to the
 * Admin API.
 */
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { getOption, type DescMethod } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";
import { auth_option } from "../../gen/zitadel/v1/options_pb.js";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient, type GrpcService } from "../../harness/grpc-js-client.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import type { RoleTable } from "../../src/access/role-permissions.js";
import type { MembershipScope } from "../../src/events/aggregates.js";
import { expectRefused, PERMISSION_DENIED } from "../support/access-refusals.js";
import { Principals, type Principal } from "../support/principals.js";
import { eventCount } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

/** Each method with the permission it declares, the client's name for its service, and where a role admits to it. */
const methods = [
  { service: AdminService, name: "admin" as GrpcService, admitting: ["instance"] as MembershipScope[] },
  { service: ManagementService, name: "management" as GrpcService, admitting: ["instance", "org"] as MembershipScope[] },
].flatMap(({ service, name, admitting }) =>
  service.methods.map((method) => ({ method, service: name, admitting, permission: getOption(method, auth_option).permission })),
);

const permissions = [...new Set(methods.map((m) => m.permission))];
const allBut = (permission: string) => `ALL_BUT ${permission}`;
const only = (permission: string) => `ONLY ${permission}`;

/** Per declared permission: a role with every permission but it, and one with it alone. */
const roles: Record<string, string[]> = Object.fromEntries(
  permissions.flatMap((permission) => [
    [allBut(permission), permissions.filter((p) => p !== permission)],
    [only(permission), [permission]],
  ]),
);
const roleTable: RoleTable = { instance: roles, org: roles };

let server: TestServer;
let client: GrpcJsClient;
let orgId: string;
/** A machine user of the organization per role name and scope. */
const holders = new Map<string, Principal>();

beforeAll(async () => {
  const rolesFile = join(tempDir(), "roles.json");
  writeFileSync(rolesFile, JSON.stringify(roleTable));
  server = await startTestServer({ LPS_ROLES_FILE: rolesFile });
  client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
  const principals = new Principals(server, roleTable);
  orgId = await principals.org();
  for (const scope of ["instance", "org"] as const) {
    for (const role of Object.keys(roles)) {
      const roles = scope === "instance" ? { instance: [role] } : { orgs: { [orgId]: [role] } };
      holders.set(`${scope} ${role}`, await principals.machineUser(orgId, roles));
    }
  }
});

afterAll(async () => {
  client.close();
  await server.close();
  removeTempDirs();
});

/** A request the method accepts: Add and Remove name a factor (1 is a valid one of either kind). */
function requestFor(method: DescMethod): object {
  return method.input.fields.some((field) => field.name === "type") ? { type: 1 } : {};
}

it("every RPC refuses a caller without the permission its proto declares, and admits one with it alone where its role reaches", async () => {
  // The API has 11 Admin and 11 Management RPCs (the README lists them); each declares a permission.
  expect(methods).toHaveLength(22);
  expect(methods.every((m) => m.permission !== "")).toBe(true);

  const eventsBefore = await eventCount(server.databaseUrl);
  const admittedOutcomes: string[] = [];
  for (const { method, service, admitting, permission } of methods) {
    for (const scope of ["instance", "org"] as const) {
      const call = (role: string) =>
        client.call(service, method.name, requestFor(method), { ...bearer(holders.get(`${scope} ${role}`)!.token), "x-zitadel-orgid": orgId });

      await expectRefused(server.databaseUrl, () => call(allBut(permission)), PERMISSION_DENIED);
      if (!admitting.includes(scope)) {
        await expectRefused(server.databaseUrl, () => call(only(permission)), PERMISSION_DENIED);
        continue;
      }
      // Admitted, the call may still fail for what it asks (NotFound, AlreadyExists), never for access.
      const result = await call(only(permission));
      const outcome = result.ok ? "OK" : `${status[result.code]} ${result.detail?.id}`;
      admittedOutcomes.push(`${service} ${method.name}, ${scope} role ${only(permission)}: ${outcome}`);
    }
  }
  expect(admittedOutcomes).toHaveLength(11 + 11 * 2);
  expect(admittedOutcomes.filter((line) => /(PERMISSION_DENIED|UNAUTHENTICATED|AUTH-)/.test(line))).toEqual([]);
  // The admitted writes were made: the log that stayed unchanged on every refusal does record writes.
  expect(await eventCount(server.databaseUrl)).toBeGreaterThan(eventsBefore);
});
