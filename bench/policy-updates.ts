/**
 * Writes to one policy by any number of callers that all race for it: each call sets the
 * instance policy's password check lifetime to a value no call before it set, so every
 * write is a valid change and must be answered OK (a write given up on, Aborted, counts as
 * an error), and every caller needs the same aggregate's next sequence.
 */
import { bearer } from "../harness/connect-clients.js";
import { GrpcJsClient } from "../harness/grpc-js-client.js";
import type { Calls } from "./load-generator.js";
import { okOrThrow, type Target } from "./policy-reads.js";

export const POLICY_UPDATE = "UpdateLoginPolicy";

/** Lifetimes start high, where the fixture and the other rows never set one. */
const FIRST_LIFETIME_SECONDS = 1_000_000;

/** The n-th update of a run: a lifetime of its own. */
export function policyUpdate(n: number): object {
  return {
    allowUsernamePassword: true,
    passwordlessType: "PASSWORDLESS_TYPE_ALLOWED",
    passwordCheckLifetime: { seconds: String(FIRST_LIFETIME_SECONDS + n), nanos: 0 },
  };
}

export function racingPolicyUpdates(target: Target): Calls {
  const client = new GrpcJsClient(target.address, undefined, {}, bearer(target.token));
  let next = 0;
  return {
    call: async () => void okOrThrow(await client.call("admin", POLICY_UPDATE, policyUpdate(next++))),
    close: () => client.close(),
  };
}
