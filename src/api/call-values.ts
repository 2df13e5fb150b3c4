/** What handlers read from the interceptors: the caller, the organization acted on, the call's reads. */
import type { HandlerContext } from "@connectrpc/connect";
import type { Caller } from "../access/caller.js";
import type { ReadScope } from "../eventstore/read-scope.js";
import { callerKey, orgKey, readScopeKey } from "./context-keys.js";

export function callerOf(ctx: HandlerContext): Caller {
  const caller = ctx.values.get(callerKey);
  // The interceptor chain authenticates every call before a handler runs.
  if (!caller) throw new Error("handler reached without an authenticated caller");
  return caller;
}

export function orgOf(ctx: HandlerContext): string {
  const orgId = ctx.values.get(orgKey);
  if (!orgId) throw new Error("Management handler reached without an organization");
  return orgId;
}

/**
 * The scope of the call's reads, for the reads a handler makes before it writes. A read
 * after the call's own write goes without it, and so checks again (and sees the write).
 */
export function readsOf(ctx: HandlerContext): ReadScope | undefined {
  return ctx.values.get(readScopeKey);
}
