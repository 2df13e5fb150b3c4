/**
 * Pages of the event search (Admin ListEvents, newest first, 1,000 events a page) over
 * Connect binary: the first page of the log, and a page that starts deep in a long history,
 * where an unindexed search would scan everything after it.
 */
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { AdminService } from "../gen/zitadel/admin/v1/admin_pb.js";
import { bearer, transport } from "../harness/connect-clients.js";
import type { Calls } from "./load-generator.js";
import type { Target } from "./policy-reads.js";

const PAGE = 1000;

function admin(target: Target) {
  return createClient(AdminService, transport("connect-binary", target.url, bearer(target.token)));
}

/** One page, newest first, from `from` (or from the newest event). */
export function eventPage(target: Target, from?: Timestamp): Calls {
  const client = admin(target);
  const filter = from ? { case: "from" as const, value: from } : { case: undefined };
  return {
    call: async () => {
      const { events } = await client.listEvents({ limit: PAGE, creationDateFilter: filter });
      if (events.length === 0) throw new Error("an empty page");
    },
    close: () => {},
  };
}

/** The creation date of the organization's event halfway through its history. */
export async function midHistory(target: Target, orgId: string, events: number): Promise<Timestamp> {
  const [middle] = (await admin(target).listEvents({ aggregateId: orgId, sequence: BigInt(Math.floor(events / 2)), asc: true, limit: 1 }))
    .events;
  return middle?.creationDate ?? timestampFromDate(new Date());
}
