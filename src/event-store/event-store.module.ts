import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { EventStore } from './core/event-store';
import { InlineProjectionRegistry } from './core/inline-projection';
import { PostgresEventStore } from './core/postgres-event-store';
import { ProjectionAdmin } from './projections/projection-admin';
import { SubscriptionRegistry } from './subscriptions/subscription';
import { SUBSCRIPTION_OPTIONS } from './subscriptions/subscription-options';
import type { SubscriptionOptions } from './subscriptions/subscription-options';
import { SubscriptionRunner } from './subscriptions/subscription-runner';
import { UpcasterRegistry } from './core/upcaster';

/**
 * The event store as a Nest module. It needs `Database` and the database options in the
 * application's container (provided by the database module) and exports the `EventStore`
 * port, the registries where modules add inline projections, subscriptions and upcasters, and
 * `ProjectionAdmin` for operations. Import it in every module that uses it; Nest shares one
 * instance, so every module registers into the same registries.
 */
@Module({
  providers: [
    InlineProjectionRegistry,
    SubscriptionRegistry,
    UpcasterRegistry,
    { provide: EventStore, useClass: PostgresEventStore },
    SubscriptionRunner,
    ProjectionAdmin,
  ],
  exports: [
    EventStore,
    InlineProjectionRegistry,
    SubscriptionRegistry,
    UpcasterRegistry,
    ProjectionAdmin,
  ],
})
export class EventStoreModule {
  /**
   * How this process runs subscriptions (import once, in the application module). Without it,
   * subscriptions run with `DEFAULT_SUBSCRIPTION_OPTIONS`.
   */
  static configure(options: Partial<SubscriptionOptions>): DynamicModule {
    return {
      module: EventStoreOptionsModule,
      global: true,
      providers: [{ provide: SUBSCRIPTION_OPTIONS, useValue: options }],
      exports: [SUBSCRIPTION_OPTIONS],
    };
  }
}

@Module({})
class EventStoreOptionsModule {}
