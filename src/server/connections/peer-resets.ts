/**
 * Accounting of streams that a client address resets before they are answered (rapid reset,
 * CVE-2023-44487: each reset stream costs the server work and the client nothing).
 * An address over its budget in a minute is cut off: its sessions are closed and new
 * connections from it refused until the minute it overspent in is over. Counting per address,
 * not per connection, so that reconnecting after each GOAWAY gains nothing.
 */
const WINDOW_MS = 60_000;
/** Addresses remembered at most; the oldest are forgotten first (an attacker owns many). */
const MAX_ADDRESSES = 10_000;

interface Tally {
  windowStart: number;
  resets: number;
}

export class PeerResets {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly maxPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one reset; true when this one took the address over its budget (once a window). */
  reset(address: string): boolean {
    const tally = this.current(address) ?? this.start(address);
    tally.resets++;
    return tally.resets === this.maxPerMinute + 1;
  }

  /** Whether the address is cut off now. */
  isCutOff(address: string): boolean {
    const tally = this.current(address);
    return tally !== undefined && tally.resets > this.maxPerMinute;
  }

  private current(address: string): Tally | undefined {
    const tally = this.tallies.get(address);
    if (tally && this.now() - tally.windowStart < WINDOW_MS) return tally;
    this.tallies.delete(address);
    return undefined;
  }

  private start(address: string): Tally {
    if (this.tallies.size >= MAX_ADDRESSES) this.tallies.delete(this.tallies.keys().next().value!);
    const tally = { windowStart: this.now(), resets: 0 };
    this.tallies.set(address, tally);
    return tally;
  }
}
