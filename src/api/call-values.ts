/** What handlers read from the interceptors: the caller, and the organization acted on. */
import type { HandlerContext } from "@connectrpc/connect";
import type { Caller } from "../access/caller.js";
import { callerKey, orgKey } from "./context-keys.js";

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
