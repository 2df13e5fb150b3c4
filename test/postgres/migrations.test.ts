/** The PostgreSQL schema is migrated at start, once, however many replicas start together. */
import { expect, it } from "@jest/globals";
import pg from "pg";
import { createDatabase } from "../../harness/postgres-cluster.js";
import { PostgresEventStore } from "../../src/eventstore/postgres.js";
import { createLogger } from "../../src/logger.js";
import { describePostgres } from "../support/describe-postgres.js";
import { sharedClusterUrl } from "../support/test-postgres.js";

function open(url: string): Promise<PostgresEventStore> {
  return PostgresEventStore.open({ url, poolSize: 2, startupWaitMs: 0 }, [], createLogger("silent"));
}

async function query(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describePostgres("PostgreSQL migrations", () => {
  it("apply each step once when several stores open an empty database at the same moment", async () => {
    const url = await createDatabase(sharedClusterUrl());
    const stores = await Promise.all(Array.from({ length: 6 }, () => open(url)));
    try {
      expect(await query(url, "SELECT version, name FROM schema_migrations")).toEqual([
        { version: 1, name: "events, projections, unique constraints" },
        { version: 2, name: "document changes, for replicas' caches" },
        { version: 3, name: "event search" },
        { version: 4, name: "policy reach count" },
      ]);
      const aggregate = { type: "t", id: "1" };
      await stores[5]!.push({ creator: "u", appends: [{ aggregate, resourceOwner: "o", expectedSequence: 0, events: [{ type: "e", payload: {} }] }] });
      expect((await stores[0]!.events(aggregate)).map((e) => e.sequence)).toEqual([1]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it("refuse, in one sentence, a database that a newer release has migrated", async () => {
    const url = await createDatabase(sharedClusterUrl());
    await (await open(url)).close();
    await query(url, "INSERT INTO schema_migrations (version, name) VALUES (5, 'from the future')");
    const database = `127.0.0.1:${new URL(url).port}${new URL(url).pathname}`;
    await expect(open(url)).rejects.toThrow(
      `cannot use PostgreSQL at ${database}: the database's schema is at version 5, newer than this release knows (4); run a release that knows it`,
    );
  });
});
