/**
 * What one login-policy write costs the database in round trips, counted on the wire by a
 * relay in front of PostgreSQL: the call's check of what it reads, and the write's
 * transaction. The counts are pinned, so that a change that adds a round trip to a write's
 * path (a statement that waits for the answers before it) shows here; one that saves one
 * lowers them.
 */
import { afterAll, afterEach, beforeEach, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { createDatabase } from "../../harness/postgres-cluster.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { describePostgres } from "../support/describe-postgres.js";
import { expectOk } from "../support/grpc-outcomes.js";
import { PostgresWireTap } from "../support/postgres-wire-tap.js";
import { runCli, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { sharedClusterUrl } from "../support/test-postgres.js";

afterAll(removeTempDirs);

const SMS = "SECOND_FACTOR_TYPE_OTP_SMS";

describePostgres("a login-policy write on PostgreSQL", () => {
  let server: ServerProcess;
  let tap: PostgresWireTap;
  let client: GrpcJsClient;
  let orgId: string;

  beforeEach(async () => {
    const url = await createDatabase(sharedClusterUrl());
    tap = await PostgresWireTap.start(url);
    const env = { LPS_DATABASE_URL: tap.url, LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat") };
    // Readiness pings only at start, so that every statement counted after is a call's.
    server = await startServerProcess({ ...env, LPS_DATABASE_CHECK_INTERVAL_MS: "600000" });
    client = new GrpcJsClient(new URL(server.url).host, undefined, {}, bearer(readFileSync(env.LPS_ADMIN_PAT_PATH, "utf8").trim()));
    const orgs = JSON.parse((await runCli(["orgs", "list", "--json"], { ...env, LPS_DATABASE_URL: url })).stdout) as { id: string }[];
    orgId = orgs[0]!.id;
  });

  afterEach(async () => {
    client.close();
    await server.stop();
    await tap.close();
  });

  /** Makes a change and undoes it three times, expecting `roundTrips` for each write. */
  async function toggles(service: "admin" | "management", change: string, undo: string, headers: Record<string, string>, roundTrips: number): Promise<void> {
    // Each carries what the other ignores: a factor, or settings.
    const request = { type: SMS, allowUsernamePassword: true };
    // What the changes change, as it was before them, and is after each undo.
    const state = async () => {
      const { isDefault, policy } = expectOk(await client.call(service, "GetLoginPolicy", {}, headers));
      return { isDefault, secondFactors: policy.secondFactors };
    };
    const before = await state();
    // The first calls open the pool's connections; every connection prepares its statements
    // with their first run, in the same round trip.
    expectOk(await client.call(service, change, request, headers));
    expectOk(await client.call(service, undo, request, headers));
    tap.take();
    for (let i = 0; i < 3; i++) {
      expectOk(await client.call(service, change, request, headers));
      expect(tap.take()).toBe(roundTrips);
      expectOk(await client.call(service, undo, request, headers));
      expect(tap.take()).toBe(roundTrips);
    }
    expect(await state()).toEqual(before);
  }

  // A write's transaction is two: BEGIN with the locks and the write model and the clock
  // read under them, sent together; then the write (events, documents, notification) with
  // COMMIT behind it.

  // The call's check (1), the write (2), and the count of the organizations the default
  // reaches, one document, for the answer (1).
  it("on the instance's default costs 4 round trips", async () => {
    await toggles("admin", "AddSecondFactorToLoginPolicy", "RemoveSecondFactorFromLoginPolicy", {}, 4);
  });

  // The call's check (1) and the write (2): the default's snapshot is read in the same
  // statement as the organization's write model.
  it("on an organization's custom policy costs 3 round trips", async () => {
    const org = { "x-zitadel-orgid": orgId };
    expectOk(await client.call("management", "AddCustomLoginPolicy", { allowUsernamePassword: true }, org));
    await toggles("management", "AddSecondFactorToLoginPolicy", "RemoveSecondFactorFromLoginPolicy", org, 3);
  });

  // As above, and the write checks that the default has not moved on since its snapshot and
  // changes the count of custom policies: one more to take the default's lock (shared) and
  // the count's once the command has decided and read the count under it, and the COMMIT
  // waits for the write's answer (a default that moved on means rolling back instead).
  it("that takes or drops an organization's custom policy costs 5 round trips", async () => {
    await toggles("management", "AddCustomLoginPolicy", "ResetLoginPolicyToDefault", { "x-zitadel-orgid": orgId }, 5);
  });
});
