import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE_OBSERVER } from '../../event-store';
import { CommandMetrics } from './command-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Prometheus metrics at `GET /metrics`; also observes the event store and the command bus. */
@Global()
@Module({
  imports: [CqrsModule],
  controllers: [MetricsController],
  providers: [
    MetricsService,
    CommandMetrics,
    { provide: EVENT_STORE_OBSERVER, useExisting: MetricsService },
  ],
  exports: [MetricsService, EVENT_STORE_OBSERVER],
})
export class MetricsModule {}
