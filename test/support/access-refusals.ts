/**
 * The refusals of authentication and authorization as a gRPC client sees them, and the
 * proof that a refused call changed nothing: the event log has as many events after it as
 * before.
 */
import { expect } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import type { GrpcResult } from "./grpc-js-client.js";
import { eventCount } from "./test-database.js";

export interface ExpectedError {
  readonly code: status;
  readonly id: string;
  readonly key: string;
}

export const TOKEN_MISSING: ExpectedError = { code: status.UNAUTHENTICATED, id: "AUTH-x8Bz2", key: "Errors.Token.Missing" };
export const TOKEN_INVALID: ExpectedError = { code: status.UNAUTHENTICATED, id: "AUTH-7fs1e", key: "Errors.Token.Invalid" };
export const KEYS_UNAVAILABLE: ExpectedError = { code: status.UNAVAILABLE, id: "AUTH-Jwks5", key: "Errors.Token.KeysUnavailable" };
export const PERMISSION_DENIED: ExpectedError = { code: status.PERMISSION_DENIED, id: "AUTH-5mWD2", key: "Errors.Permission.Denied" };
export const ORG_MISSING: ExpectedError = { code: status.INVALID_ARGUMENT, id: "AUTH-0rgM1", key: "Errors.Org.Missing" };

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

/** Runs the call and asserts that meanwhile no event was appended anywhere; returns what it returned. */
export async function withoutEvents<T>(databaseUrl: string, call: () => Promise<T>): Promise<T> {
  const before = await eventCount(databaseUrl);
  const result = await call();
  expect(await eventCount(databaseUrl)).toBe(before);
  return result;
}

/**
 * Makes the call, asserts that it was refused as expected and appended no event, and
 * returns the refusal's message (which explains the reason).
 */
export async function expectRefused(databaseUrl: string, call: () => Promise<GrpcResult>, expected: ExpectedError): Promise<string> {
  const result = await withoutEvents(databaseUrl, call);
  expectError(result, expected);
  // grpc-js decodes grpc-message with decodeURI, which leaves escapes of reserved
  // characters such as ":" in place; the server sent them escaped, as gRPC allows.
  return result.ok ? "" : decodeURIComponent(result.message);
}
