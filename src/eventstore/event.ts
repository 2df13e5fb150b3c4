/** Events: the only thing the write side persists. Everything else is derived from them. */

/** One event stream: an instance, an organization, a user. */
export interface AggregateRef {
  readonly type: string;
  readonly id: string;
}

/** An event a command wants to append, before the store has given it a place. */
export interface NewEvent<P = unknown> {
  readonly type: string;
  readonly payload: P;
}

/** An event as stored: in its aggregate at a sequence, at a time, by a creator. */
export interface StoredEvent<P = unknown> extends NewEvent<P> {
  readonly aggregate: AggregateRef;
  /** The organization (or the instance) that owns the aggregate. */
  readonly resourceOwner: string;
  /** 1, 2, 3, ... within the aggregate, without gaps. */
  readonly sequence: number;
  /** Order across all aggregates. */
  readonly position: number;
  /** The ID of the user whose call caused the event ("system" for the service itself). */
  readonly creator: string;
  readonly createdAt: Date;
}
