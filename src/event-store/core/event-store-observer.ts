/**
 * Optional observer of the event store, for metrics. Provide it under `EVENT_STORE_OBSERVER` in a
 * global module and the store reports to it; without one the store works the same. Calls are
 * synchronous and must not throw.
 */
export interface EventStoreObserver {
  /** A batch of `eventCount` events was committed to `streamId`. */
  appended(streamId: string, eventCount: number): void;
  /** An append to `streamId` was refused with a `ConcurrencyError`. */
  conflicted(streamId: string): void;
}

/** Injection token of the optional {@link EventStoreObserver}. */
export const EVENT_STORE_OBSERVER = Symbol('EVENT_STORE_OBSERVER');
