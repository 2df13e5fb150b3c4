/**
 * Sixteen writers racing on one login policy take turns under the policy's lock: none is
 * refused for losing the race (no Aborted), every change is applied exactly once, and the
 * policy's sequences stay gapless. Runs on the store the project's engine gives (the
 * "postgres" jest project: PostgreSQL, where writers are truly concurrent).
 */
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient, type GrpcResult } from "../../harness/grpc-js-client.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { describePostgres } from "../support/describe-postgres.js";
import { openStore } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const WRITERS = 16;
const CALLS_EACH = 25;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LPS_LOG_LEVEL: "warn" });
});
afterAll(async () => {
  await server?.close();
  removeTempDirs();
});

describePostgres("sixteen writers racing on one policy", () => {
  it("take turns: no Aborted, each change applied once, sequences gapless", async () => {
    const client = new GrpcJsClient(`127.0.0.1:${server.address.port}`, undefined, {}, bearer(server.adminToken));
    // Each call sets a password check lifetime no other call sets, so its event is its own.
    const lifetime = (writer: number, call: number) => 100_000 + writer * 1000 + call;
    const failures: GrpcResult[] = [];
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        for (let call = 0; call < CALLS_EACH; call++) {
          const result = await client.call("admin", "UpdateLoginPolicy", {
            allowUsernamePassword: true,
            passwordlessType: "PASSWORDLESS_TYPE_ALLOWED",
            passwordCheckLifetime: { seconds: String(lifetime(writer, call)), nanos: 0 },
          });
          if (!result.ok) failures.push(result);
        }
      }),
    );
    client.close();
    expect(failures).toEqual([]);

    const store = await openStore(server.databaseUrl);
    const events = await store.events({ type: "instance", id: server.instance.id });
    await store.close();
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    const lifetimesSet = events
      .filter((e) => e.type === "instance.policy.login.changed")
      .map((e) => (e.payload as { passwordCheckLifetime?: { seconds: number } }).passwordCheckLifetime?.seconds)
      .filter((seconds) => seconds !== undefined && seconds >= 100_000);
    const expected = Array.from({ length: WRITERS }, (_, w) => Array.from({ length: CALLS_EACH }, (_, c) => lifetime(w, c))).flat();
    const byValue = (a: number | undefined, b: number | undefined) => a! - b!;
    expect(lifetimesSet.sort(byValue)).toEqual(expected.sort(byValue));
  }, 120_000);
});
