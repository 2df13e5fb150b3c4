/** Answers to policy reads: shared while the stored state is, rebuilt when it changes. */
import { describe, expect, it } from "@jest/globals";
import { GetLoginPolicyResponseSchema as AdminAnswer } from "../../../gen/zitadel/admin/v1/admin_pb.js";
import { GetLoginPolicyResponseSchema as ManagementAnswer } from "../../../gen/zitadel/management/v1/management_pb.js";
import { loginPolicyToProto } from "../../../src/api/login-policy-converter.js";
import { policyAnswer } from "../../../src/api/policy-answers.js";
import { deepFreeze } from "../../../src/deep-freeze.js";
import { DEFAULT_SETTINGS } from "../../../src/domain/login-policy.js";
import type { LoginPolicyDocument } from "../../../src/projections/login-policy-projection.js";

function state(sequence: number): LoginPolicyDocument {
  return {
    ownerType: "instance",
    ownerId: "instance-1",
    settings: { ...DEFAULT_SETTINGS },
    factors: { second: ["otp"], multi: [] },
    sequence,
    createdAt: "2026-11-30T08:00:00.000Z",
    changedAt: "2026-11-30T08:00:00.000Z",
  } as LoginPolicyDocument;
}

const adminAnswer = (doc: LoginPolicyDocument) => policyAnswer(AdminAnswer, doc, true, () => ({ policy: loginPolicyToProto(doc, true) }));

describe("answers to policy reads", () => {
  it("are built once for a stored (frozen) state, frozen, and shared", () => {
    const stored = deepFreeze(state(7));
    const first = adminAnswer(stored);
    expect(adminAnswer(stored)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.policy!.details)).toBe(true);
    expect(first.policy!.details!.sequence).toBe(7n);
  });

  it("are built anew for the state that replaces it", () => {
    const before = adminAnswer(deepFreeze(state(7)));
    const after = adminAnswer(deepFreeze(state(8)));
    expect(after).not.toBe(before);
    expect(after.policy!.details!.sequence).toBe(8n);
  });

  it("differ by message type and by whether the policy is the default", () => {
    const stored = deepFreeze(state(7));
    const inherited = policyAnswer(ManagementAnswer, stored, true, () => ({ policy: loginPolicyToProto(stored, true), isDefault: true }));
    const own = policyAnswer(ManagementAnswer, stored, false, () => ({ policy: loginPolicyToProto(stored, false), isDefault: false }));
    expect(inherited.isDefault).toBe(true);
    expect(own.isDefault).toBe(false);
    expect(adminAnswer(stored).$typeName).toBe(AdminAnswer.typeName);
    expect(inherited.$typeName).toBe(ManagementAnswer.typeName);
  });

  it("are not kept for a state the store did not keep, which may still change", () => {
    const unstored = state(7);
    const first = adminAnswer(unstored);
    expect(adminAnswer(unstored)).not.toBe(first);
    expect(Object.isFrozen(first)).toBe(false);
  });
});
