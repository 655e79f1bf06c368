/**
 * Argument checks every `EventStore` implementation makes the same way, so the PostgreSQL store
 * and its in-memory twin refuse the same calls with the same errors.
 */

/** `value` when it is absent or a positive safe integer; otherwise a `RangeError` naming it. */
export function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

/** An expected version is a stream's length: 0 (no stream yet) or more. */
export function assertExpectedVersion(expectedVersion: number): void {
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new RangeError(
      `Expected version must be a non-negative integer, got ${expectedVersion}.`,
    );
  }
}
