import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { DeciderCommandHandler } from './commands/command-handler';
import { COMMAND_SETTINGS } from './commands/command-settings';
import { DeciderCommandBusHandler } from './commands/decider-command';
import type { CommandSettings } from './commands/command-settings';
import { IdempotencyKeyCleanup } from './commands/idempotency/idempotency-key-cleanup';
import { IdempotencyStore } from './commands/idempotency/idempotency-store';
import { PostgresIdempotencyStore } from './commands/idempotency/postgres-idempotency-store';
import { StateReader } from './commands/state-reader';
import { EventLog } from './core/event-log';
import { LogTail } from './core/log-tail';
import { EventStore } from './core/event-store';
import { InlineProjectionRegistry } from './core/inline-projection';
import { PostgresEventStore } from './core/postgres-event-store';
import { LogReaderRegistry } from './projections/log-reader-registry';
import { ProjectionAdmin } from './projections/projection-admin';
import { SubscriptionRegistry } from './subscriptions/subscription';
import { SUBSCRIPTION_OPTIONS } from './subscriptions/subscription-options';
import type { SubscriptionOptions } from './subscriptions/subscription-options';
import { SubscriptionRunner } from './subscriptions/subscription-runner';
import { UpcasterRegistry } from './core/upcaster';

/**
 * The event store as a Nest module. It needs `Database` and the database options in the
 * application's container (provided by the database module), and a `CommandEnvironment` (the
 * clock, ids and request metadata of commands). It exports the `EventStore` port, the generic
 * command path (`DeciderCommandHandler`; every `DeciderCommand` sent through the CommandBus
 * reaches it through `DeciderCommandBusHandler`), the registries where modules add inline
 * projections, subscriptions and upcasters, and `ProjectionAdmin` for operations. Import it in
 * every module that uses it; Nest shares one instance, so every module registers into the same
 * registries.
 */
@Module({
  providers: [
    InlineProjectionRegistry,
    SubscriptionRegistry,
    UpcasterRegistry,
    { provide: EventStore, useClass: PostgresEventStore },
    EventLog,
    LogTail,
    SubscriptionRunner,
    ProjectionAdmin,
    LogReaderRegistry,
    { provide: IdempotencyStore, useClass: PostgresIdempotencyStore },
    DeciderCommandHandler,
    DeciderCommandBusHandler,
    StateReader,
    IdempotencyKeyCleanup,
  ],
  exports: [
    EventStore,
    EventLog,
    DeciderCommandHandler,
    StateReader,
    IdempotencyKeyCleanup,
    InlineProjectionRegistry,
    SubscriptionRegistry,
    UpcasterRegistry,
    ProjectionAdmin,
    LogReaderRegistry,
  ],
})
export class EventStoreModule {
  /**
   * How this process runs subscriptions and commands (import once, in the application module).
   * Without it, they run with `DEFAULT_SUBSCRIPTION_OPTIONS` and `DEFAULT_COMMAND_SETTINGS`.
   */
  static configure(
    options: Partial<SubscriptionOptions>,
    commands: Partial<CommandSettings> = {},
  ): DynamicModule {
    return {
      module: EventStoreOptionsModule,
      global: true,
      providers: [
        { provide: SUBSCRIPTION_OPTIONS, useValue: options },
        { provide: COMMAND_SETTINGS, useValue: commands },
      ],
      exports: [SUBSCRIPTION_OPTIONS, COMMAND_SETTINGS],
    };
  }
}

@Module({})
class EventStoreOptionsModule {}
