/**
 * Counts kept on the hot path as plain numbers, and handed to prom-client only when the
 * metrics are scraped. prom-client validates and hashes the label set on every inc and
 * dec, which a call would pay several times over; a tally is found once per call by a key
 * of its fixed label values, and counting is adding to a number.
 */
import type { Counter, Gauge } from "prom-client";

export interface Tally<L extends string> {
  readonly labels: Readonly<Record<L, string>>;
  value: number;
}

export class Tallies<L extends string> {
  private readonly byKey = new Map<string, Tally<L>>();

  /** The tally of one label set, made at its first use; `key` names the set uniquely. */
  of(key: string, labels: () => Record<L, string>): Tally<L> {
    let tally = this.byKey.get(key);
    if (!tally) {
      tally = { labels: labels(), value: 0 };
      this.byKey.set(key, tally);
    }
    return tally;
  }

  /** Sets a counter's or a gauge's series to the tallies; from the metric's collect(). */
  reportTo(metric: Counter<L> | Gauge<L>): void {
    metric.reset();
    for (const { labels, value } of this.byKey.values()) {
      if ("set" in metric) metric.set(labels, value);
      else if (value > 0) metric.inc(labels, value);
    }
  }
}
