/**
 * Replicas read from memory, and stay exact: a write one process acknowledges is what
 * another replica reads on its very next call, whatever that replica held in memory, and a
 * read call costs that replica one round trip to the database, counted on the wire by a
 * relay in front of PostgreSQL. With memory capped at one document, the same holds.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { status } from "@grpc/grpc-js";
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

describePostgres("replicas reading from memory", () => {
  describe.each([["the default cap", "10000"], ["memory capped at one document", "1"]])("with %s", (_name, cap) => {
    let env: Record<string, string>;
    let writer: ServerProcess;
    let reader: ServerProcess;
    let tap: PostgresWireTap;
    let viaWriter: GrpcJsClient;
    let viaReader: GrpcJsClient;
    let orgId: string;

    beforeEach(async () => {
      const url = await createDatabase(sharedClusterUrl());
      env = { LPS_DATABASE_URL: url, LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat"), LPS_CACHED_DOCUMENTS: cap };
      writer = await startServerProcess(env);
      tap = await PostgresWireTap.start(url);
      // Readiness pings only at start, so that every statement counted after is a call's.
      reader = await startServerProcess({ ...env, LPS_DATABASE_URL: tap.url, LPS_DATABASE_CHECK_INTERVAL_MS: "600000" });
      const admin = bearer(readFileSync(env.LPS_ADMIN_PAT_PATH!, "utf8").trim());
      viaWriter = new GrpcJsClient(new URL(writer.url).host, undefined, {}, admin);
      viaReader = new GrpcJsClient(new URL(reader.url).host, undefined, {}, admin);
      const orgs = JSON.parse((await runCli(["orgs", "list", "--json"], env)).stdout) as { id: string }[];
      orgId = orgs[0]!.id;
    });

    afterEach(async () => {
      viaWriter.close();
      viaReader.close();
      await Promise.all([writer.stop(), reader.stop()]);
      await tap.close();
    });

    const orgPolicy = async (client: GrpcJsClient) =>
      expectOk(await client.call("management", "GetLoginPolicy", {}, { "x-zitadel-orgid": orgId }));

    it("read a write acknowledged by another process on the very next call", async () => {
      // The reader holds the policies, the token and the memberships in memory.
      expect((await orgPolicy(viaReader)).isDefault).toBe(true);
      expect(expectOk(await viaReader.call("admin", "GetLoginPolicy")).policy.secondFactors).not.toContain(SMS);

      expectOk(await viaWriter.call("admin", "AddSecondFactorToLoginPolicy", { type: SMS }));
      expect(expectOk(await viaReader.call("admin", "GetLoginPolicy")).policy.secondFactors).toContain(SMS);
      expect((await orgPolicy(viaReader)).policy.secondFactors).toContain(SMS);

      expectOk(await viaWriter.call("management", "AddCustomLoginPolicy", { allowUsernamePassword: true }, { "x-zitadel-orgid": orgId }));
      expect((await orgPolicy(viaReader)).isDefault).toBe(false);
      expectOk(await viaWriter.call("management", "ResetLoginPolicyToDefault", {}, { "x-zitadel-orgid": orgId }));
      expect((await orgPolicy(viaReader)).isDefault).toBe(true);

      // A token the operator CLI (a third process) revokes is refused on the reader's next call.
      const [{ userId }] = JSON.parse((await runCli(["members", "list", "--json"], env)).stdout) as { userId: string }[];
      const issued = JSON.parse((await runCli(["tokens", "create", userId!, "--json"], env)).stdout) as { id: string; token: string };
      expectOk(await viaReader.call("admin", "GetLoginPolicy", {}, bearer(issued.token)));
      expect((await runCli(["tokens", "revoke", userId!, issued.id], env)).code).toBe(0);
      expect(await viaReader.call("admin", "GetLoginPolicy", {}, bearer(issued.token))).toMatchObject({
        ok: false,
        code: status.UNAUTHENTICATED,
      });
    });

    it("make one round trip to the database per read call, from the first call on", async () => {
      tap.take();
      for (let i = 0; i < 3; i++) {
        expectOk(await viaReader.call("admin", "GetLoginPolicy"));
        expect(tap.take()).toBe(1);
        await orgPolicy(viaReader);
        expect(tap.take()).toBe(1);
        // The caller's own organization, when the call names none.
        expectOk(await viaReader.call("management", "GetLoginPolicy"));
        expect(tap.take()).toBe(1);
        // Writes elsewhere change what the next check brings, not how many round trips it takes.
        expectOk(await viaWriter.call("admin", i % 2 ? "RemoveSecondFactorFromLoginPolicy" : "AddSecondFactorToLoginPolicy", { type: SMS }));
      }
    });
  });
});
