/** A line of the results table: a measurement, and what its ratios compare it against. */
import type { Measured } from "./measurement.js";

export interface Row {
  readonly measured: Measured;
  readonly baseline?: Measured;
}
