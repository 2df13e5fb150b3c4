/** Organizations as documents, keyed by their ID. */
import { ORG_ADDED, type OrgAdded } from "../events/org.js";
import type { Projection } from "../eventstore/projection.js";

export interface OrgDocument {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export const ORGS = "orgs";

export const orgProjection: Projection<OrgDocument> = {
  name: ORGS,
  handles: new Set([ORG_ADDED]),
  key: (event) => event.aggregate.id,
  reduce: (_doc, event) => ({
    id: event.aggregate.id,
    name: (event.payload as OrgAdded).name,
    createdAt: event.createdAt.toISOString(),
  }),
};
