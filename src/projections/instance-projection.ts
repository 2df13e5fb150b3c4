/**
 * The instance this database serves, as one document. Each database holds exactly one
 * instance: its creation claims a unique constraint, so replicas starting together on an
 * empty database create it once.
 */
import {
  INSTANCE_ADDED,
  INSTANCE_DEFAULT_ORG_SET,
  type InstanceAdded,
  type InstanceDefaultOrgSet,
} from "../events/instance.js";
import type { Projection } from "../eventstore/projection.js";

export interface InstanceDocument {
  readonly id: string;
  readonly name: string;
  readonly defaultOrgId: string;
  readonly createdAt: string;
}

export const INSTANCES = "instance";
export const CURRENT_INSTANCE_KEY = "current";

export const instanceProjection: Projection<InstanceDocument> = {
  name: INSTANCES,
  handles: new Set([INSTANCE_ADDED, INSTANCE_DEFAULT_ORG_SET]),
  key: () => CURRENT_INSTANCE_KEY,
  reduce: (doc, event) =>
    event.type === INSTANCE_ADDED
      ? {
          id: event.aggregate.id,
          name: (event.payload as InstanceAdded).name,
          defaultOrgId: "",
          createdAt: event.createdAt.toISOString(),
        }
      : doc && { ...doc, defaultOrgId: (event.payload as InstanceDefaultOrgSet).orgId },
};
