/**
 * A replica's memory of PostgreSQL's documents, at the store: what a transaction commits is
 * read next, even when it committed after a transaction that started later (the case that
 * remembering "up to event position N" would miss), and even when memory holds one document.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { createDatabase } from "../../harness/postgres-cluster.js";
import { CHECK_CHANGES } from "../../src/eventstore/postgres-freshness.js";
import { PostgresEventStore } from "../../src/eventstore/postgres.js";
import { ReadScope } from "../../src/eventstore/read-scope.js";
import { createLogger } from "../../src/logger.js";
import { describePostgres } from "../support/describe-postgres.js";
import { sharedClusterUrl } from "../support/test-postgres.js";

describePostgres("documents in a replica's memory", () => {
  describe.each([10_000, 1])("holding at most %i", (cacheCapacity) => {
    let url: string;
    let store: PostgresEventStore;
    const sessions: pg.Client[] = [];

    beforeAll(async () => {
      url = await createDatabase(sharedClusterUrl());
      store = await PostgresEventStore.open({ url, poolSize: 3, startupWaitMs: 0, cacheCapacity }, [], createLogger("silent"));
    });

    afterAll(async () => {
      await Promise.all(sessions.map((session) => session.end()));
      await store?.close();
    });

    async function session(): Promise<pg.Client> {
      const client = new pg.Client(url);
      await client.connect();
      sessions.push(client);
      return client;
    }

    const save = (client: pg.Client, key: string, value: number) =>
      client.query(
        `INSERT INTO projection_documents (projection, key, state) VALUES ('p', $1, $2::json)
         ON CONFLICT (projection, key) DO UPDATE SET state = excluded.state`,
        [key, JSON.stringify({ value })],
      );

    it("read a transaction's changes when it commits after one that began after it", async () => {
      const [early, late] = [await session(), await session()];
      expect(await store.document("p", "slow")).toBeUndefined();
      await early.query("BEGIN");
      await save(early, "slow", 1); // takes its transaction ID now, commits last
      await save(late, "quick", 1);
      // Read (and remembered) while the early transaction is still open.
      expect(await store.document("p", "quick")).toEqual({ value: 1 });
      expect(await store.document("p", "slow")).toBeUndefined();
      await early.query("COMMIT");
      expect(await store.document("p", "slow")).toEqual({ value: 1 });
      expect(await store.document("p", "quick")).toEqual({ value: 1 });
    });

    it("answer a call's reads from what its first read brought, and the next call from a new check", async () => {
      const writer = await session();
      await save(writer, "a", 1);
      await save(writer, "b", 1);
      const wanted = [{ projection: "p", key: "a" }, { projection: "p", key: "b" }];
      const first = new ReadScope(wanted);
      expect(await store.document("p", "a", first)).toEqual({ value: 1 });
      await save(writer, "b", 2);
      // Within the call: one check, at its first read.
      expect(await store.document("p", "b", first)).toEqual({ value: 1 });
      const second = new ReadScope(wanted);
      expect(await store.document("p", "b", second)).toEqual({ value: 2 });
      await writer.query("DELETE FROM projection_documents WHERE projection = 'p' AND key = 'a'");
      expect(await store.document("p", "a", new ReadScope(wanted))).toBeUndefined();
    });

    it("read current states after another writer changed more documents than a check brings", async () => {
      const writer = await session();
      await save(writer, "held", 1);
      const wanted = [{ projection: "p", key: "held" }];
      expect(await store.document("p", "held", new ReadScope(wanted))).toEqual({ value: 1 });
      // A bulk import: more changes than one check brings, the held document's among the last.
      await writer.query("BEGIN");
      await writer.query(
        `INSERT INTO projection_documents (projection, key, state)
         SELECT 'p', 'bulk-' || n, json_build_object('value', n) FROM generate_series(1, $1::int) AS n`,
        [CHECK_CHANGES + 1],
      );
      await save(writer, "held", 2);
      await writer.query("COMMIT");
      const after = new ReadScope(wanted);
      expect(await store.document("p", "held", after)).toEqual({ value: 2 });
      expect(await store.document("p", `bulk-${CHECK_CHANGES}`, after)).toEqual({ value: CHECK_CHANGES });
      expect(await store.document("p", "held")).toEqual({ value: 2 });
    });
  });
});
