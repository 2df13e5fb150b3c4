/**
 * Object IDs: 64-bit, time-ordered, written as decimal strings (like ZITADEL's
 * "69629023906488334"). Layout, high to low: 41 bits of milliseconds since 2024-01-01,
 * 10 bits of node (random per process, so replicas rarely share one), 12 bits of counter.
 * A collision across replicas is still possible in theory; every creation appends to a new
 * aggregate with expected sequence 0, so a duplicate ID fails its write instead of merging.
 */
import { randomInt } from "node:crypto";

const EPOCH_MS = Date.UTC(2024, 0, 1);
const NODE_BITS = 10n;
const COUNTER_BITS = 12n;
const COUNTER_MAX = (1 << Number(COUNTER_BITS)) - 1;

export class IdGenerator {
  private lastMs = 0;
  private counter = 0;

  constructor(private readonly node: number = randomInt(1 << Number(NODE_BITS))) {}

  next(): string {
    let now = Math.max(Date.now() - EPOCH_MS, this.lastMs);
    if (now === this.lastMs) {
      this.counter++;
      if (this.counter > COUNTER_MAX) {
        // 4096 IDs in one millisecond: borrow the next millisecond rather than repeat.
        now++;
        this.counter = 0;
      }
    } else {
      this.counter = 0;
    }
    this.lastMs = now;
    const id =
      (BigInt(now) << (NODE_BITS + COUNTER_BITS)) |
      (BigInt(this.node) << COUNTER_BITS) |
      BigInt(this.counter);
    return id.toString(10);
  }
}
