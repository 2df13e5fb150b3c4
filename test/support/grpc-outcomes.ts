/** What a call through the @grpc/grpc-js client must have come to: a response, or a given error. */
import { expect } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import type { GrpcResult } from "../../harness/grpc-js-client.js";

export interface ExpectedError {
  readonly code: status;
  readonly id: string;
  readonly key: string;
}

/** The call succeeded; its response. */
export function expectOk(result: GrpcResult): Record<string, any> {
  if (!result.ok) throw new Error(`expected OK, got ${status[result.code]}: ${result.message}`);
  return result.response;
}

/** The call failed with the code and exactly one ErrorDetail, whose ID and key lead its message. */
export function expectError(result: GrpcResult, expected: ExpectedError): void {
  const { code, id, key } = expected;
  expect(result).toMatchObject({ ok: false, code, detail: { id, message: key }, detailCount: 1 });
  if (!result.ok) expect(result.message.startsWith(`${key} (${id})`)).toBe(true);
}
