/** Encodings of response messages: kept with a frozen message, made anew for any other. */
import { create, fromBinary, toBinary, toJsonString } from "@bufbuild/protobuf";
import { describe, expect, it } from "@jest/globals";
import { GetLoginPolicyResponseSchema } from "../../../gen/zitadel/admin/v1/admin_pb.js";
import { deepFreeze } from "../../../src/deep-freeze.js";
import { binaryOf, jsonOf } from "../../../src/server/wire/message-encoding.js";

const answer = () => create(GetLoginPolicyResponseSchema, { policy: { allowUsernamePassword: true, secondFactors: [1] } });

describe("response encodings", () => {
  it("of a frozen message are made once and equal the codec's", () => {
    const message = deepFreeze(answer());
    const bytes = binaryOf(GetLoginPolicyResponseSchema, message);
    expect(binaryOf(GetLoginPolicyResponseSchema, message)).toBe(bytes);
    expect(bytes).toEqual(toBinary(GetLoginPolicyResponseSchema, message));
    const json = jsonOf(GetLoginPolicyResponseSchema, message);
    expect(jsonOf(GetLoginPolicyResponseSchema, message)).toBe(json);
    expect(json).toBe(toJsonString(GetLoginPolicyResponseSchema, message));
  });

  it("of a message that can still change follow its changes", () => {
    const message = answer();
    const before = binaryOf(GetLoginPolicyResponseSchema, message);
    message.policy!.allowRegister = true;
    expect(fromBinary(GetLoginPolicyResponseSchema, binaryOf(GetLoginPolicyResponseSchema, message)).policy!.allowRegister).toBe(true);
    expect(fromBinary(GetLoginPolicyResponseSchema, before).policy!.allowRegister).toBe(false);
    expect(JSON.parse(jsonOf(GetLoginPolicyResponseSchema, message)).policy.allowRegister).toBe(true);
  });
});
