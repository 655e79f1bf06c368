import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store';
import { ChangeFeed } from './application/change-feed';
import { EventsController } from './interface/http/events.controller';

/**
 * The log, taken outside the service: an HTTP change feed with long polling, server-sent events,
 * signed webhooks and a broker publisher. One module because all of them hand the same events
 * to peers in the same shapes (`OutgoingEvent`, CloudEvents), keep their own place in the log
 * through the event store's public API only, and share one tenant rule.
 */
@Module({
  imports: [EventStoreModule],
  controllers: [EventsController],
  providers: [ChangeFeed],
})
export class IntegrationModule {}
