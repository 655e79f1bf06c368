import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Database } from '../../database/database';
import type { EventStoreObserver } from '../../event-store';
import { EventLoopDelayMetric } from './event-loop-delay';

/**
 * The service's Prometheus metrics. Each application instance has its own registry, so tests can
 * run several apps in one process without clashing metric names.
 */
@Injectable()
export class MetricsService implements EventStoreObserver, OnModuleDestroy {
  readonly registry = new Registry();

  private readonly eventLoopDelay = new EventLoopDelayMetric(this.registry);

  readonly httpRequests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, with their duration.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly commands = new Histogram({
    name: 'command_duration_seconds',
    help: 'Commands handled through the command bus, by command and outcome.',
    labelNames: ['command', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly appends = new Counter({
    name: 'event_store_appends_total',
    help: 'Successful appends to the event store (one per committed batch).',
    registers: [this.registry],
  });

  readonly appendedEvents = new Counter({
    name: 'event_store_events_appended_total',
    help: 'Events committed to the event store.',
    registers: [this.registry],
  });

  readonly conflicts = new Counter({
    name: 'event_store_concurrency_conflicts_total',
    help: 'Appends refused because the stream was not at the expected version.',
    registers: [this.registry],
  });

  constructor(@Inject(Database) database: Database) {
    new Gauge({
      name: 'db_pool_connections',
      help: 'Connections of the PostgreSQL pool: total open, idle, and requests waiting for one.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const usage = database.usage();
        this.set({ state: 'total' }, usage.total);
        this.set({ state: 'idle' }, usage.idle);
        this.set({ state: 'waiting' }, usage.waiting);
      },
    });
    const poolWait = new Histogram({
      name: 'db_pool_wait_seconds',
      help:
        'Time to get a pooled PostgreSQL connection, by whether one was free ("reused") or had to ' +
        'be opened ("opened": mostly the time to connect).',
      labelNames: ['connection'] as const,
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    // Both series from the start, so a rate over them exists before the first new connection.
    poolWait.zero({ connection: 'reused' });
    poolWait.zero({ connection: 'opened' });
    // Children bound once: this runs for every statement.
    const reused = poolWait.labels('reused');
    const opened = poolWait.labels('opened');
    database.onAcquire((acquisition) =>
      (acquisition.opened ? opened : reused).observe(acquisition.waitSeconds),
    );
    collectDefaultMetrics({ register: this.registry });
  }

  onModuleDestroy(): void {
    this.eventLoopDelay.stop();
  }

  appended(_streamId: string, eventCount: number): void {
    this.appends.inc();
    this.appendedEvents.inc(eventCount);
  }

  conflicted(): void {
    this.conflicts.inc();
  }
}
