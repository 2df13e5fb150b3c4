/** Every projection the store keeps up to date with each push. */
import type { Projection } from "../eventstore/projection.js";
import { instanceProjection } from "./instance-projection.js";
import { loginPolicyProjection } from "./login-policy-projection.js";
import { orgProjection } from "./org-projection.js";

export const projections: readonly Projection[] = [
  instanceProjection as Projection,
  orgProjection as Projection,
  loginPolicyProjection as Projection,
];
