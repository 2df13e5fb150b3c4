/**
 * Token buckets by key (a client address, a user): each holds up to `burst` tokens and
 * refills at `perSecond`. Memory is bounded: past `maxKeys`, the bucket used least recently is
 * forgotten, which at worst hands a fresh burst to a key that had not been seen for a while.
 */
import { performance } from "node:perf_hooks";

interface Bucket {
  tokens: number;
  at: number;
}

const DEFAULT_MAX_KEYS = 100_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token: 0 when there was one, else the seconds until there will be. */
  take(key: string): number {
    const bucket = this.refilled(key);
    if (bucket.tokens >= 1) {
      bucket.tokens--;
      return 0;
    }
    return this.wait(bucket);
  }

  /** The seconds until a token is there (0: there is one now), taking none. */
  peek(key: string): number {
    const bucket = this.buckets.get(key);
    return bucket ? this.wait(this.refilled(key)) : 0;
  }

  private wait(bucket: Bucket): number {
    return bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) / this.perSecond;
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key);
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
      bucket.at = now;
    } else {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.burst, at: now };
    }
    // Re-inserted last: the map's order is the order of use.
    this.buckets.set(key, bucket);
    return bucket;
  }
}
