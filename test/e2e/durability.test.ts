/**
 * An acknowledged write survives the process being killed: the server runs as a child
 * process, is SIGKILLed in the middle of a stream of writes, and every write it answered
 * OK is found afterwards, in the event log and through the API after a restart.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient, type GrpcResult } from "../../harness/grpc-js-client.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import type { EventStore } from "../../src/eventstore/store.js";
import { startServerProcess } from "../support/server-process.js";
import { freshDatabaseUrl, openStore } from "../support/test-database.js";

afterAll(removeTempDirs);

describe("a killed server", () => {
  it("loses no acknowledged write", async () => {
    const databaseUrl = await freshDatabaseUrl();
    const env = { LPS_DATABASE_URL: databaseUrl, LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat") };
    const server = await startServerProcess(env);
    const client = new GrpcJsClient(new URL(server.url).host, undefined, {}, bearer(server.adminToken));
    const acknowledged: { sequence: number; type: string }[] = [];

    // Toggle a factor as fast as the server answers, and kill it mid-stream.
    let failure: GrpcResult | undefined;
    const writer = (async () => {
      for (let i = 0; ; i++) {
        const method = i % 2 === 0 ? "AddSecondFactorToLoginPolicy" : "RemoveSecondFactorFromLoginPolicy";
        const result = await client.call("admin", method, { type: "SECOND_FACTOR_TYPE_OTP_SMS" });
        if (!result.ok) {
          failure = result;
          return;
        }
        const details = result.response.details as { sequence: string };
        acknowledged.push({ sequence: Number(details.sequence), type: method });
      }
    })();
    while (acknowledged.length < 40) {
      if (failure) throw new Error(`a write failed before the kill: ${failure.ok ? "" : failure.message}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await server.stop("SIGKILL")).toBe("SIGKILL");
    await writer;
    client.close();

    const store = await openStore(databaseUrl);
    const instanceId = (await store.events({ type: "instance", id: await instanceIdOf(store) }))[0]!.aggregate.id;
    const events = await store.events({ type: "instance", id: instanceId });
    await store.close();
    const bySequence = new Map(events.map((e) => [e.sequence, e.type]));
    for (const write of acknowledged) {
      const expected = write.type.startsWith("Add")
        ? "instance.policy.login.secondfactor.added"
        : "instance.policy.login.secondfactor.removed";
      expect(bySequence.get(write.sequence)).toBe(expected);
    }

    const again = await startServerProcess(env);
    const reader = new GrpcJsClient(new URL(again.url).host, undefined, {}, bearer(again.adminToken));
    const read = await reader.call("admin", "GetLoginPolicy");
    reader.close();
    await again.stop();
    if (!read.ok) throw new Error(read.message);
    const policy = read.response.policy as { details: { sequence: string }; secondFactors: string[] };
    expect(Number(policy.details.sequence)).toBeGreaterThanOrEqual(acknowledged.at(-1)!.sequence);
    const lastEvent = events.filter((e) => e.type.includes("secondfactor")).at(-1)!;
    expect(policy.secondFactors.includes("SECOND_FACTOR_TYPE_OTP_SMS")).toBe(lastEvent.type.endsWith("added"));
  });
});

async function instanceIdOf(store: EventStore): Promise<string> {
  const instance = await store.document<{ id: string }>("instance", "current");
  if (!instance) throw new Error("no instance in the database");
  return instance.id;
}
