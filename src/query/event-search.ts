/**
 * The read side of the event log, as ZITADEL's event search offers it: events filtered by
 * who, what and when, newest or oldest first, a page at a time, with their secrets left out.
 *
 * Paging goes by creation time: a client asks for the next page from the last event's
 * creation date. Events can share a creation time (those of one write do), so a page never
 * ends inside such a group: a full page gives back the events of its last time that did not
 * all fit, and the next page, starting after the time before it, begins with that group.
 * A group larger than the page comes whole.
 */
import { publicPayload } from "../events/event-catalog.js";
import type { StoredEvent } from "../eventstore/event.js";
import type { EventFilter, EventStore } from "../eventstore/store.js";

export const MAX_EVENTS_PER_PAGE = 1000;

/** The most values a filter of types (event types, aggregate types) may list. */
export const MAX_FILTER_VALUES = 100;

export interface EventSearch {
  readonly aggregateTypes: readonly string[];
  readonly aggregateId: string;
  readonly types: readonly string[];
  readonly creator: string;
  readonly resourceOwner: string;
  readonly sequenceAbove: number;
  /**
   * Where a page starts, in milliseconds since 1970 (with any fraction the caller sent):
   * newest first, events created before it; oldest first, after it.
   */
  readonly from?: number;
  /** Events created at or after `since` and before `until`, in milliseconds since 1970. */
  readonly range?: { readonly since?: number; readonly until?: number };
  readonly oldestFirst: boolean;
  /** 0, or more than the maximum, is the maximum. */
  readonly limit: number;
}

/** An event as a reader of the log sees it. */
export interface LoggedEvent extends Omit<StoredEvent, "payload"> {
  readonly payload: Record<string, unknown>;
}

export class EventSearchQueries {
  constructor(private readonly store: EventStore) {}

  async search(search: EventSearch): Promise<LoggedEvent[]> {
    const limit = search.limit > 0 && search.limit < MAX_EVENTS_PER_PAGE ? search.limit : MAX_EVENTS_PER_PAGE;
    const filter: EventFilter = {
      aggregateTypes: search.aggregateTypes,
      aggregateId: search.aggregateId,
      types: search.types,
      creator: search.creator,
      resourceOwner: search.resourceOwner,
      sequenceAbove: search.sequenceAbove,
      ...timeBounds(search),
      newestFirst: !search.oldestFirst,
      limit: limit + 1,
    };
    const found = await this.store.searchEvents(filter);
    const page = found.length > limit ? await this.wholeGroups(found, limit, filter) : found;
    return page.map((event) => ({ ...event, payload: publicPayload(event.type, event.payload) }));
  }

  /** The first `limit` events, less the last time's group if the event after them shares its time. */
  private async wholeGroups(found: readonly StoredEvent[], limit: number, filter: EventFilter): Promise<StoredEvent[]> {
    const last = found[limit - 1]!.createdAt.getTime();
    if (found[limit]!.createdAt.getTime() !== last) return found.slice(0, limit);
    const page = found.slice(0, limit).filter((event) => event.createdAt.getTime() !== last);
    if (page.length > 0) return page;
    // One time fills the page: it comes whole (a group is what one millisecond saw written).
    return this.store.searchEvents({ ...filter, since: new Date(last), until: new Date(last + 1), limit: Number.MAX_SAFE_INTEGER });
  }
}

/**
 * The creation-time bounds in whole milliseconds, as events are stored: an event's time is
 * at or after a bound when it is at or after the bound's next whole millisecond.
 */
function timeBounds(search: EventSearch): Pick<EventFilter, "since" | "until"> {
  const whole = (ms: number | undefined) => (ms === undefined ? undefined : new Date(Math.ceil(ms)));
  if (search.range) return { since: whole(search.range.since), until: whole(search.range.until) };
  if (search.from === undefined) return {};
  return search.oldestFirst ? { since: new Date(Math.floor(search.from) + 1) } : { until: whole(search.from) };
}
