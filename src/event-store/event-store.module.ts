import { Module } from '@nestjs/common';
import { EventStore } from './event-store';
import { InlineProjectionRegistry } from './inline-projection';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The event store as a Nest module. It needs a TypeORM `DataSource` in the application's
 * container (provided by the database module) and exports the `EventStore` port and the
 * registry where modules add their inline projections.
 */
@Module({
  providers: [InlineProjectionRegistry, { provide: EventStore, useClass: PostgresEventStore }],
  exports: [EventStore, InlineProjectionRegistry],
})
export class EventStoreModule {}
