import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '../event-store';
import { ActivityReadModel } from './application/activity-read-model';
import { GetActivityFeedHandler } from './application/queries/get-activity-feed.handler';
import { GetDailyActivityHandler } from './application/queries/get-daily-activity.handler';
import { ActivitySubscription } from './infrastructure/activity.subscription';
import { PostgresActivityReadModel } from './infrastructure/postgres-activity-read-model';
import { ActivityController } from './interface/http/activity.controller';

/**
 * Activity over todos (per-day counts, recent changes), built only from the event log through
 * the event store's subscription API: it imports nothing from the todo module.
 */
@Module({
  imports: [CqrsModule, EventStoreModule],
  controllers: [ActivityController],
  providers: [
    ActivitySubscription,
    GetDailyActivityHandler,
    GetActivityFeedHandler,
    { provide: ActivityReadModel, useClass: PostgresActivityReadModel },
  ],
})
export class ActivityModule {}
