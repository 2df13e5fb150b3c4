/**
 * Rate limits around authentication: the client address is admitted before anything else
 * (and a failed authentication counts against it), the caller once it is known.
 */
import type { Interceptor, UnaryRequest, StreamRequest } from "@connectrpc/connect";
import type { RateLimits } from "../access/rate-limits.js";
import { DomainError } from "../errors.js";
import { callerKey, peerAddressKey } from "./context-keys.js";

/**
 * Outside authentication. `exempt` names calls that are never limited (health checks from
 * this machine, which orchestrators make on a schedule).
 */
export function addressRateLimitInterceptor(limits: RateLimits, exempt: (req: UnaryRequest | StreamRequest) => boolean = () => false): Interceptor {
  return (next) => async (req) => {
    const address = req.contextValues.get(peerAddressKey);
    if (address === undefined || exempt(req)) return next(req);
    limits.admitAddress(address);
    try {
      return await next(req);
    } catch (error) {
      if (error instanceof DomainError && error.code === "Unauthenticated") limits.authenticationFailed(address);
      throw error;
    }
  };
}

/** Inside authentication: the caller is known. */
export function callerRateLimitInterceptor(limits: RateLimits): Interceptor {
  return (next) => (req) => {
    const caller = req.contextValues.get(callerKey);
    if (caller) limits.admitCaller(caller.userId);
    return next(req);
  };
}
