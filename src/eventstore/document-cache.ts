/**
 * Projection documents kept in memory, at most `capacity` of them, the least recently used
 * going first. A document that does not exist is remembered too (an unknown token asked for
 * again costs nothing), and counts the same. States are frozen: every reader shares them.
 *
 * The cache only ever holds what the database held: the store fills it from its reads,
 * updates it from its own commits, and drops what other processes' commits touched, so a
 * miss is always safe and correctness never depends on what is cached.
 */
import { deepFreeze } from "../deep-freeze.js";
import type { CacheUse } from "../metrics/store-observer.js";

/** A cached lookup: the document's state, or undefined for a document that does not exist. */
export interface Cached {
  readonly state: unknown;
}

/** Documents kept in memory unless configured otherwise: a few MB of small JSON documents. */
export const DEFAULT_CACHED_DOCUMENTS = 10_000;

export class DocumentCache {
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Cached>();
  private hits = 0;
  private misses = 0;

  constructor(readonly capacity: number) {}

  /** Lookups so far, and entries now, for metrics. */
  use(): CacheUse {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string): Cached | undefined {
    const cached = this.entries.get(id);
    if (cached) {
      this.hits++;
      this.entries.delete(id);
      this.entries.set(id, cached);
    } else {
      this.misses++;
    }
    return cached;
  }

  set(id: string, state: unknown): void {
    if (this.capacity === 0) return;
    this.entries.delete(id);
    this.entries.set(id, { state: deepFreeze(state) });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Replaces a document's state if it is held, leaving its place in the order; else nothing. */
  refresh(id: string, state: unknown): void {
    if (this.entries.has(id)) this.entries.set(id, { state: deepFreeze(state) });
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
