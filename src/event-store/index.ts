/**
 * Public API of the event-store module. Other modules import from here only (and a command-line
 * program from `./cli`, its other entry point).
 *
 * Inside: `core/` (the port, the PostgreSQL store with its snapshots, the global log reader,
 * upcasters, inline projections, errors), `subscriptions/` (asynchronous readers of the log and
 * their workers), `projections/` (status, dead letters, resume and rebuild), `cli/` (the
 * `projections` commands) and `migrations/` (its tables).
 */
export { ConcurrencyError, StreamTypeMismatchError } from './core/concurrency.error';
export { EventStoreError } from './core/event-store.error';
export type { EventStoreErrorKind } from './core/event-store.error';
export type { EventSelection } from './core/event-selection';
export type { Event, EventMetadata, NewEvent, RecordedEvent } from './core/event';
export { EventStore } from './core/event-store';
export type {
  AppendOptions,
  AppendResult,
  ReadSnapshotOptions,
  ReadStreamOptions,
  Snapshot,
} from './core/event-store';
export { EventLog } from './core/event-log';
export type { EventLogQuery } from './core/event-log';
export { EventStoreModule } from './event-store.module';
export { EVENT_STORE_MIGRATIONS } from './migrations';
export { EVENT_STORE_OBSERVER } from './core/event-store-observer';
export type { EventStoreObserver } from './core/event-store-observer';
export { InlineProjectionRegistry } from './core/inline-projection';
export type { InlineProjection, SqlTransaction } from './core/inline-projection';
export { SubscriptionRegistry } from './subscriptions/subscription';
export type { EventSubscription, PositionedEvent } from './subscriptions/subscription';
export { DEFAULT_SUBSCRIPTION_OPTIONS } from './subscriptions/subscription-options';
export type { SubscriptionOptions } from './subscriptions/subscription-options';
export { UpcasterRegistry } from './core/upcaster';
export type { Upcaster } from './core/upcaster';
export { ProjectionAdmin } from './projections/projection-admin';
export { LogReaderRegistry } from './projections/log-reader-registry';
export type { LogReaderStatus } from './projections/log-reader-registry';
export type {
  DeadLetter,
  ProjectionStatus,
  RebuildOptions,
  RebuildProgress,
  RebuildResult,
  TenantReaderStatus,
} from './projections/projection-admin';
export {
  ProjectionNotFoundError,
  ProjectionNotParkedError,
  ProjectionNotRebuildableError,
  ProjectionRebuildInProgressError,
} from './projections/projection.errors';
export { InMemoryEventStore } from './core/in-memory-event-store';
export type { Decider } from './commands/decider';
export { fold } from './commands/decider';
export { DeciderCommandHandler } from './commands/command-handler';
export type { CommandResult, HandleOptions } from './commands/command-handler';
export {
  CommandEnvironment,
  DeciderCommand,
  DeciderCommandBusHandler,
} from './commands/decider-command';
export type { DeciderCommandOptions, DomainCommandInput } from './commands/decider-command';
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
