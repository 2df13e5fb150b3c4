/** Every projection the store keeps up to date with each push. */
import type { Projection } from "../eventstore/projection.js";
import { instanceProjection } from "./instance-projection.js";
import { loginPolicyProjection } from "./login-policy-projection.js";
import { membershipProjection } from "./membership-projection.js";
import { orgProjection } from "./org-projection.js";
import { policyReachProjection } from "./policy-reach-projection.js";
import { tokenProjection } from "./token-projection.js";
import { userProjection } from "./user-projection.js";

export const projections: readonly Projection[] = [
  instanceProjection,
  orgProjection,
  loginPolicyProjection,
  userProjection,
  tokenProjection,
  membershipProjection,
  policyReachProjection,
];
