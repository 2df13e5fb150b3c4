/**
 * The one SELECT an event search runs, for either engine: each engine says how it writes a
 * parameter ($1 or ?) and a time (a timestamptz, or the ISO 8601 text SQLite keeps, which
 * sorts as time does). Every condition and the order are served by the indexes of the
 * "event search" migration, so a page costs the same at the start or the end of a long log.
 */
import type { EventFilter } from "./store.js";

/**
 * The indexes the search needs, the same on both engines (the "event search" migration):
 * one per filter column, each followed by the order, so that a page is a short range scan
 * however long the log.
 */
export const EVENT_SEARCH_INDEXES = `
  CREATE INDEX events_by_time ON events (created_at, position);
  CREATE INDEX events_by_creator ON events (creator, created_at, position);
  CREATE INDEX events_by_type ON events (type, created_at, position);
  CREATE INDEX events_by_owner ON events (resource_owner, created_at, position);
  CREATE INDEX events_by_aggregate_type ON events (aggregate_type, created_at, position);
  CREATE INDEX events_by_aggregate_id ON events (aggregate_id, created_at, position);
`;

export interface SqlDialect {
  /** The placeholder of the n-th parameter, from 1. */
  readonly parameter: (n: number) => string;
  readonly time: (at: Date) => unknown;
}

export interface SqlQuery {
  readonly text: string;
  readonly values: unknown[];
}

export function eventSearchSql(filter: EventFilter, columns: string, dialect: SqlDialect): SqlQuery {
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return dialect.parameter(values.length);
  };
  const anyOf = (column: string, list: readonly string[]) => `${column} IN (${list.map(bind).join(", ")})`;
  const conditions: string[] = [];
  if (filter.aggregateTypes?.length) conditions.push(anyOf("aggregate_type", filter.aggregateTypes));
  if (filter.aggregateId) conditions.push(`aggregate_id = ${bind(filter.aggregateId)}`);
  if (filter.types?.length) conditions.push(anyOf("type", filter.types));
  if (filter.creator) conditions.push(`creator = ${bind(filter.creator)}`);
  if (filter.resourceOwner) conditions.push(`resource_owner = ${bind(filter.resourceOwner)}`);
  if (filter.sequenceAbove) conditions.push(`sequence > ${bind(filter.sequenceAbove)}`);
  if (filter.since) conditions.push(`created_at >= ${bind(dialect.time(filter.since))}`);
  if (filter.until) conditions.push(`created_at < ${bind(dialect.time(filter.until))}`);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
  const direction = filter.newestFirst ? "DESC" : "ASC";
  return {
    text: `SELECT ${columns} FROM events ${where} ORDER BY created_at ${direction}, position ${direction} LIMIT ${bind(filter.limit)}`,
    values,
  };
}
