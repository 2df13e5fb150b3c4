/**
 * Converts between ZITADEL's event search messages and the event log's query: nothing else.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { ListEventsRequest } from "../../gen/zitadel/admin/v1/admin_pb.js";
import type { EventSchema } from "../../gen/zitadel/event/v1/event_pb.js";
import type { EventSearch, LoggedEvent } from "../query/event-search.js";

/** A timestamp in milliseconds since 1970, its fraction kept. */
function milliseconds(at: Timestamp | undefined): number | undefined {
  return at && Number(at.seconds) * 1000 + at.nanos / 1_000_000;
}

export function eventSearchFromProto(req: ListEventsRequest): EventSearch {
  const filter = req.creationDateFilter;
  return {
    aggregateTypes: req.aggregateTypes,
    aggregateId: req.aggregateId,
    types: req.eventTypes,
    creator: req.editorUserId,
    resourceOwner: req.resourceOwner,
    // Sequences beyond what a number holds exactly are beyond every aggregate's.
    sequenceAbove: Math.min(Number(req.sequence), Number.MAX_SAFE_INTEGER),
    // ZITADEL reads the deprecated creation_date as from, and ignores both given a range.
    from: filter.case === "from" ? milliseconds(filter.value) : filter.case === "range" ? undefined : milliseconds(req.creationDate),
    range: filter.case === "range" ? { since: milliseconds(filter.value.since), until: milliseconds(filter.value.until) } : undefined,
    oldestFirst: req.asc,
    limit: req.limit,
  };
}

export function eventToProto(event: LoggedEvent, editorName: string): MessageInitShape<typeof EventSchema> {
  return {
    editor: { userId: event.creator, displayName: editorName },
    aggregate: { id: event.aggregate.id, type: typeToProto(event.aggregate.type), resourceOwner: event.resourceOwner },
    sequence: BigInt(event.sequence),
    creationDate: timestampFromDate(event.createdAt),
    payload: event.payload as MessageInitShape<typeof EventSchema>["payload"],
    type: typeToProto(event.type),
  };
}

/** An event or aggregate type, with the key a console would translate it by. */
export function typeToProto(type: string) {
  return { type, localized: { key: `EventTypes.${type}`, localizedMessage: type } };
}
