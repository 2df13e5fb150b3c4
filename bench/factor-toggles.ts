/**
 * Writes that can go on for ever: each caller owns one second factor of one policy and
 * adds it when it is absent, removes it when it is present, over gRPC. No two callers own
 * the same factor of the same policy, so every write is valid and answered OK; callers on
 * the same policy still race for its aggregate's next sequence, and a loser decides again.
 */
import { bearer, ORG_HEADER } from "../harness/connect-clients.js";
import { GrpcJsClient } from "../harness/grpc-js-client.js";
import type { Calls } from "./load-generator.js";
import { okOrThrow, type Target } from "./policy-reads.js";

export const SECOND_FACTOR_TYPES = [
  "SECOND_FACTOR_TYPE_OTP",
  "SECOND_FACTOR_TYPE_U2F",
  "SECOND_FACTOR_TYPE_OTP_EMAIL",
  "SECOND_FACTOR_TYPE_OTP_SMS",
] as const;

/** Whose policy: the instance's (AdminService) or an organization's custom one (ManagementService). */
export type PolicyOf = { readonly service: "admin" } | { readonly service: "management"; readonly orgId: string };

export interface Toggle {
  readonly policy: PolicyOf;
  readonly factor: (typeof SECOND_FACTOR_TYPES)[number];
}

/** Caller i flips toggles[i]; each starts from the factor's state as the policy has it now. */
export async function factorToggles(target: Target, toggles: readonly Toggle[]): Promise<Calls> {
  const client = new GrpcJsClient(target.address, undefined, {}, bearer(target.token));
  const headers = (policy: PolicyOf): Record<string, string> => (policy.service === "management" ? { [ORG_HEADER]: policy.orgId } : {});
  const present = await Promise.all(
    toggles.map(async ({ policy, factor }) => {
      const { policy: read } = okOrThrow(await client.call(policy.service, "GetLoginPolicy", {}, headers(policy))) as {
        policy: { secondFactors: string[] };
      };
      return read.secondFactors.includes(factor);
    }),
  );
  return {
    call: async (caller) => {
      const { policy, factor } = toggles[caller]!;
      const method = present[caller] ? "RemoveSecondFactorFromLoginPolicy" : "AddSecondFactorToLoginPolicy";
      // Flipped whatever the answer: after a failed write the other one sets things right,
      // failing once more at most.
      present[caller] = !present[caller];
      okOrThrow(await client.call(policy.service, method, { type: factor }, headers(policy)));
    },
    close: () => client.close(),
  };
}
