/**
 * The refusals of authentication and authorization as a gRPC client sees them, and the
 * proof that a refused call changed nothing: the event log has as many events after it as
 * before.
 */
import { expect } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import type { GrpcResult } from "../../harness/grpc-js-client.js";
import { expectError, type ExpectedError } from "./grpc-outcomes.js";
import { eventCount } from "./test-database.js";

export const TOKEN_MISSING: ExpectedError = { code: status.UNAUTHENTICATED, id: "AUTH-x8Bz2", key: "Errors.Token.Missing" };
export const TOKEN_INVALID: ExpectedError = { code: status.UNAUTHENTICATED, id: "AUTH-7fs1e", key: "Errors.Token.Invalid" };
export const KEYS_UNAVAILABLE: ExpectedError = { code: status.UNAVAILABLE, id: "AUTH-Jwks5", key: "Errors.Token.KeysUnavailable" };
export const PERMISSION_DENIED: ExpectedError = { code: status.PERMISSION_DENIED, id: "AUTH-5mWD2", key: "Errors.Permission.Denied" };
export const ORG_MISSING: ExpectedError = { code: status.INVALID_ARGUMENT, id: "AUTH-0rgM1", key: "Errors.Org.Missing" };

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
