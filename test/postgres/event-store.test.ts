/** The store contract on PostgreSQL, and what only the PostgreSQL engine has. */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { createDatabase } from "../../harness/postgres-cluster.js";
import { PostgresEventStore } from "../../src/eventstore/postgres.js";
import { SequenceConflict } from "../../src/eventstore/store.js";
import { createLogger } from "../../src/logger.js";
import { contractProjections, describeEventStoreContract } from "../store/event-store-contract.js";
import { describePostgres } from "../support/describe-postgres.js";
import { sharedClusterUrl } from "../support/test-postgres.js";

function open(url: string, poolSize = 10): Promise<PostgresEventStore> {
  return PostgresEventStore.open({ url, poolSize, startupWaitMs: 0 }, contractProjections, createLogger("silent"));
}

describePostgres("PostgreSQL", () => {
  describeEventStoreContract("PostgreSQL", () => {
    let url = "";
    return {
      fresh: async () => open((url = await createDatabase(sharedClusterUrl()))),
      reopen: () => open(url),
    };
  });

  describe("PostgreSQL specifics", () => {
    let url: string;
    let sql: pg.Client;

    beforeAll(async () => {
      url = await createDatabase(sharedClusterUrl());
      sql = new pg.Client(url);
      await sql.connect();
    });

    afterAll(async () => {
      await sql?.end();
    });

    it("keeps at most LPS_DATABASE_POOL_SIZE connections, however many calls wait", async () => {
      const store = await open(url, 2);
      try {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.push({
              creator: "u",
              appends: [{ aggregate: { type: "pool", id: `p${i}` }, resourceOwner: "o", expectedSequence: 0, events: [{ type: "x", payload: {} }] }],
            }),
          ),
        );
        const { rows } = await sql.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'lps'",
        );
        expect(rows[0].n).toBe(2);
      } finally {
        await store.close();
      }
    });

    it("stamps every event of a push with one database time, to the millisecond, and reads it back exactly", async () => {
      const store = await open(url);
      try {
        const stored = await store.push({
          creator: "u",
          appends: [
            { aggregate: { type: "clock", id: "a" }, resourceOwner: "o", expectedSequence: 0, events: [{ type: "x", payload: {} }, { type: "y", payload: {} }] },
            { aggregate: { type: "clock", id: "b" }, resourceOwner: "o", expectedSequence: 0, events: [{ type: "z", payload: {} }] },
          ],
        });
        const { rows } = await sql.query(
          "SELECT DISTINCT created_at, created_at = date_trunc('milliseconds', created_at) AS whole FROM events WHERE aggregate_type = 'clock'",
        );
        expect(rows).toEqual([{ created_at: stored[0]!.createdAt, whole: true }]);
        const read = [...(await store.events({ type: "clock", id: "a" })), ...(await store.events({ type: "clock", id: "b" }))];
        expect(read.map((e) => e.createdAt.toISOString())).toEqual(stored.map((e) => e.createdAt.toISOString()));
      } finally {
        await store.close();
      }
    });

    it("numbers a push's second append to an aggregate on from its first, and refuses one that does not follow it", async () => {
      const store = await open(url);
      const twice = (second: number) =>
        store.push({
          creator: "u",
          appends: [
            { aggregate: { type: "twice", id: `from-${second}` }, resourceOwner: "o", expectedSequence: 0, events: [{ type: "x", payload: {} }] },
            { aggregate: { type: "twice", id: `from-${second}` }, resourceOwner: "o", expectedSequence: second, events: [{ type: "y", payload: {} }] },
          ],
        });
      try {
        expect((await twice(1)).map((e) => [e.type, e.sequence])).toEqual([["x", 1], ["y", 2]]);
        await expect(twice(0)).rejects.toBeInstanceOf(SequenceConflict);
        expect(await store.events({ type: "twice", id: "from-0" })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it("refuses a decision that appends to its aggregate at another sequence than the one it read", async () => {
      const store = await open(url);
      const aggregate = { type: "decided", id: "a" };
      try {
        await store.push({ creator: "u", appends: [{ aggregate, resourceOwner: "o", expectedSequence: 0, events: [{ type: "x", payload: {} }] }] });
        const decision = (offset: number) =>
          store.decide(aggregate, "none", "none", (model) => ({
            creator: "u",
            appends: [{ aggregate, resourceOwner: "o", expectedSequence: model.sequence + offset, events: [{ type: "y", payload: {} }] }],
          }));
        await expect(decision(-1)).rejects.toBeInstanceOf(SequenceConflict);
        expect((await decision(0)).map((e) => e.sequence)).toEqual([2]);
        expect((await store.events(aggregate)).map((e) => e.sequence)).toEqual([1, 2]);
      } finally {
        await store.close();
      }
    });

    it("keeps payloads as written, key order and all", async () => {
      const store = await open(url);
      try {
        const payload = { zebra: 1, apple: { b: 2, a: [3, "\u0000", "é"] } };
        await store.push({
          creator: "u",
          appends: [{ aggregate: { type: "json", id: "a" }, resourceOwner: "o", expectedSequence: 0, events: [{ type: "x", payload }] }],
        });
        const [event] = await store.events({ type: "json", id: "a" });
        expect(JSON.stringify(event!.payload)).toBe(JSON.stringify(payload));
      } finally {
        await store.close();
      }
    });

    it("searches only settled events: none created after the start of a replica's transaction that may still commit", async () => {
      // Replicas named by their database URL, as an operator may name them.
      const named = `${url}${url.includes("?") ? "&" : "?"}application_name=policies-eu`;
      const store = await open(named);
      // A replica's write, slow to commit: it began, read the clock and inserted.
      const slow = new pg.Client({ connectionString: named });
      await slow.connect();
      try {
        await slow.query("BEGIN");
        await slow.query(
          `INSERT INTO events (aggregate_type, aggregate_id, sequence, type, payload, resource_owner, creator, created_at)
           VALUES ('settling', 'first', 1, 'x', '{}', 'o', 'u', date_trunc('milliseconds', clock_timestamp()))`,
        );
        await new Promise((resolve) => setTimeout(resolve, 5));
        await store.push({
          creator: "u",
          appends: [{ aggregate: { type: "settling", id: "second" }, resourceOwner: "o", expectedSequence: 0, events: [{ type: "x", payload: {} }] }],
        });
        const oldestFirst = { aggregateTypes: ["settling"], newestFirst: false, limit: 10 };
        // Committed, but created after a write still open: a reader paging on from it would
        // never come back for the slow write's earlier event.
        expect(await store.searchEvents(oldestFirst)).toEqual([]);

        await slow.query("COMMIT");
        const settled = await store.searchEvents(oldestFirst);
        expect(settled.map((event) => event.aggregate.id)).toEqual(["first", "second"]);
        expect(settled[0]!.createdAt.getTime()).toBeLessThan(settled[1]!.createdAt.getTime());
      } finally {
        await slow.end();
        await store.close();
      }
    });
  });
});
