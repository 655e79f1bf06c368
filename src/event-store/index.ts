/**
 * Public API of the event-store module. Other modules import from here only.
 */
export { ConcurrencyError, StreamTypeMismatchError } from './concurrency.error';
export { EventStoreError } from './event-store.error';
export type { EventStoreErrorKind } from './event-store.error';
export type { EventSelection } from './event-selection';
export type { Event, EventMetadata, NewEvent, RecordedEvent } from './event';
export { EventStore } from './event-store';
export type {
  AppendOptions,
  AppendResult,
  ReadSnapshotOptions,
  ReadStreamOptions,
  Snapshot,
} from './event-store';
export { EventStoreModule } from './event-store.module';
export { EVENT_STORE_OBSERVER } from './event-store-observer';
export type { EventStoreObserver } from './event-store-observer';
export { InlineProjectionRegistry } from './inline-projection';
export type { InlineProjection, SqlTransaction } from './inline-projection';
export { SubscriptionRegistry } from './subscription';
export type { EventSubscription, PositionedEvent } from './subscription';
export { DEFAULT_SUBSCRIPTION_OPTIONS } from './subscription-options';
export type { SubscriptionOptions } from './subscription-options';
export { UpcasterRegistry } from './upcaster';
export type { Upcaster } from './upcaster';
export { ProjectionAdmin } from './projection-admin';
export type {
  DeadLetter,
  ProjectionStatus,
  RebuildOptions,
  RebuildProgress,
  RebuildResult,
} from './projection-admin';
export {
  ProjectionNotFoundError,
  ProjectionNotParkedError,
  ProjectionNotRebuildableError,
  ProjectionRebuildInProgressError,
} from './projection.errors';
export { registerProjectionCommands } from './projections.cli';
export type { AppLookup, ProgressOutput, RunWithApp } from './projections.cli';
export { InMemoryEventStore } from './core/in-memory-event-store';
export type { Decider } from './commands/decider';
export { fold } from './commands/decider';
export { DeciderCommandHandler } from './commands/command-handler';
export type { CommandResult, HandleOptions } from './commands/command-handler';
export { StateReader } from './commands/state-reader';
export type { LoadedState } from './commands/state-loader';
export { COMMAND_SETTINGS, DEFAULT_COMMAND_SETTINGS } from './commands/command-settings';
export type { CommandSettings } from './commands/command-settings';
export { PreconditionFailedError } from './commands/precondition-failed.error';
export { StreamBusyError } from './commands/stream-busy.error';
export {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
} from './commands/idempotency/idempotency.errors';
export { IdempotencyStore } from './commands/idempotency/idempotency-store';
export type {
  IdempotencyRecord,
  IdempotencyRequest,
} from './commands/idempotency/idempotency-store';
export { InMemoryIdempotencyStore } from './commands/idempotency/in-memory-idempotency-store';
export { IdempotencyKeyCleanup } from './commands/idempotency/idempotency-key-cleanup';
export { IdempotencyOutcomes1764230900000 } from './migrations/1764230900000-idempotency-outcomes';
