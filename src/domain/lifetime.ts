/**
 * How long a check stays valid (password, external login, second factor ...). Kept as
 * whole seconds and nanoseconds so that any duration a client sends comes back unchanged.
 */
export interface Lifetime {
  readonly seconds: number;
  readonly nanos: number;
}

/** The largest duration protobuf allows: 10,000 years. */
export const MAX_LIFETIME_SECONDS = 315_576_000_000;

export function hours(n: number): Lifetime {
  return { seconds: n * 3600, nanos: 0 };
}

export function sameLifetime(a: Lifetime, b: Lifetime): boolean {
  return a.seconds === b.seconds && a.nanos === b.nanos;
}

/** A lifetime is a non-negative span no longer than protobuf's maximum. */
export function isValidLifetime(value: Lifetime): boolean {
  return (
    Number.isInteger(value.seconds) &&
    Number.isInteger(value.nanos) &&
    value.seconds >= 0 &&
    value.seconds <= MAX_LIFETIME_SECONDS &&
    value.nanos >= 0 &&
    value.nanos < 1_000_000_000 &&
    !(value.seconds === MAX_LIFETIME_SECONDS && value.nanos > 0)
  );
}
