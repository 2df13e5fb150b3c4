/**
 * What the interceptors learn about a call and hand on to the handlers, through connect's
 * context values.
 */
import { createContextKey } from "@connectrpc/connect";
import type { Caller } from "../access/caller.js";
import type { CallContext } from "../call-context/call-context.js";
import type { ReadScope } from "../eventstore/read-scope.js";

/** Who is calling. Set by authentication; handlers never run without it. */
export const callerKey = createContextKey<Caller | undefined>(undefined, { description: "caller" });

/** The x-zitadel-orgid header, if the call named an organization. */
export const requestedOrgKey = createContextKey<string | undefined>(undefined, { description: "requested org" });

/** The organization a Management call acts on, once authorization has admitted the caller to it. */
export const orgKey = createContextKey<string | undefined>(undefined, { description: "org" });

/** The client's IP address, as the connection shows it; set by the door the call came through. */
export const peerAddressKey = createContextKey<string | undefined>(undefined, { description: "peer address" });
/** How many authorization headers the request carried; more than one is refused. */
export const credentialHeadersKey = createContextKey<number>(1, { description: "authorization headers" });

/**
 * Asks again whether the caller may make this call (token still valid, permission still
 * held, on the same organization); throws the refusal if not. Set for streaming calls,
 * which check again while they last.
 */
export const accessCheckKey = createContextKey<(() => Promise<void>) | undefined>(undefined, { description: "access check" });

/** The call's request ID, trace and caller, for its log lines; set by the door the call came through. */
export const callContextKey = createContextKey<CallContext | undefined>(undefined, { description: "call context" });

/** The unary call's reads before its first write, which check the store's freshness once; set by the read-scope interceptor. */
export const readScopeKey = createContextKey<ReadScope | undefined>(undefined, { description: "read scope" });
