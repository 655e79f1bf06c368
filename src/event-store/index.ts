/**
 * Public API of the event-store module. Other modules import from here only.
 */
export { ConcurrencyError } from './concurrency.error';
export type { Event, EventMetadata, NewEvent, RecordedEvent } from './event';
export { EventStore } from './event-store';
export type { AppendResult } from './event-store';
export { EventStoreModule } from './event-store.module';
export { EVENT_STORE_OBSERVER } from './event-store-observer';
export type { EventStoreObserver } from './event-store-observer';
export { InlineProjectionRegistry } from './inline-projection';
export type { InlineProjection, SqlTransaction } from './inline-projection';
