/**
 * How many calls a client may make: per client address, per authenticated caller, and how
 * many failed authentications per address (each costs a token lookup or a signature check,
 * and a flood of them is how tokens are guessed or the service is worn down). A refusal says
 * when to try again. An IPv6 address counts as its /64 network (see client-network.ts).
 */
import type { DomainError } from "../errors.js";
import type { Limit, LimitObserver } from "../metrics/edge-observer.js";
import { rateLimited } from "./access-errors.js";
import { TokenBuckets } from "./token-buckets.js";
import { clientNetwork } from "../net/client-network.js";

/** Token buckets: a rate per second, with a burst of twice that; 0 turns one off. */
export interface RateLimitSettings {
  /** Calls per second from one client address. */
  readonly perAddress: number;
  /** Calls per second by one authenticated caller. */
  readonly perCaller: number;
  /** Failed authentications per minute from one client address (the burst is as many). */
  readonly authFailuresPerMinute: number;
}

export class RateLimits {
  private readonly perAddress?: TokenBuckets;
  private readonly perCaller?: TokenBuckets;
  private readonly authFailures?: TokenBuckets;

  constructor(
    settings: RateLimitSettings,
    private readonly observer?: LimitObserver,
  ) {
    if (settings.perAddress > 0) this.perAddress = new TokenBuckets(settings.perAddress, 2 * settings.perAddress);
    if (settings.perCaller > 0) this.perCaller = new TokenBuckets(settings.perCaller, 2 * settings.perCaller);
    const failures = settings.authFailuresPerMinute;
    if (failures > 0) this.authFailures = new TokenBuckets(failures / 60, failures);
  }

  /** Admits a call from the address, unless it made too many or failed to authenticate too often. */
  admitAddress(peerAddress: string): void {
    const address = clientNetwork(peerAddress);
    const failing = this.authFailures?.peek(address) ?? 0;
    if (failing > 0) throw this.refused("auth_failures", failing, "too many failed authentications from this address");
    const wait = this.perAddress?.take(address) ?? 0;
    if (wait > 0) throw this.refused("rate", wait, "too many calls from this address");
  }

  /** Admits a call by an authenticated user. */
  admitCaller(userId: string): void {
    const wait = this.perCaller?.take(userId) ?? 0;
    if (wait > 0) throw this.refused("rate", wait, "too many calls by this user");
  }

  private refused(limit: Limit, waitSeconds: number, reason: string): DomainError {
    this.observer?.refused(limit);
    return rateLimited(waitSeconds, reason);
  }

  /** Counts a failed authentication against the address. */
  authenticationFailed(peerAddress: string): void {
    this.authFailures?.take(clientNetwork(peerAddress));
  }
}
