/**
 * Freezes a value and everything it holds. A frozen value can be shared between calls, and
 * whatever is derived from it (an answer, an encoding) can be kept with it: it cannot change.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
