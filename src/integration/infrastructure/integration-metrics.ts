import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { EventLog, LogReaderRegistry, ProjectionAdmin } from '../../event-store';
import { MetricsService } from '../../operations/metrics/metrics.service';
import { StreamSlots } from '../application/stream-slots';
import { WebhookStore } from '../application/webhooks/webhook';
import { DeliveryObserver } from '../application/webhooks/webhook-delivery';

/**
 * The integration's metrics, and its webhooks in `projections status`:
 * - `log_reader_lag_events` / `log_reader_lag_seconds`: how far each subscription (projections,
 *   the broker relay) and each webhook endpoint is behind the log, read at scrape time;
 * - `webhook_deliveries_total` by outcome and `webhook_delivery_duration_seconds`;
 * - `event_streams_open`: server-sent event streams open in this process.
 */
@Injectable()
export class IntegrationMetrics extends DeliveryObserver implements OnModuleInit {
  private readonly deliveries: Counter<'outcome'>;
  private readonly latency: Histogram<'outcome'>;

  constructor(
    private readonly metrics: MetricsService,
    private readonly admin: ProjectionAdmin,
    private readonly log: EventLog,
    private readonly readers: LogReaderRegistry,
    private readonly webhooks: WebhookStore,
    slots: StreamSlots,
  ) {
    super();
    const registers = [metrics.registry];
    this.deliveries = new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (delivered, failed).',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.latency = new Histogram({
      name: 'webhook_delivery_duration_seconds',
      help: 'How long webhook receivers took to answer, by outcome.',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'event_streams_open',
      help: 'Server-sent event streams open in this process.',
      registers,
      collect() {
        this.set(slots.count());
      },
    });
    // Both lag gauges are filled from one reading per scrape (they are collected together).
    let reading: { at: number; lag: ReturnType<IntegrationMetrics['lag']> } | undefined;
    const current = () => {
      if (!reading || Date.now() - reading.at > 1000) reading = { at: Date.now(), lag: this.lag() };
      return reading.lag;
    };
    new Gauge({
      name: 'log_reader_lag_events',
      help: 'Events of the log a subscription or webhook endpoint has not taken yet.',
      labelNames: ['reader', 'kind'] as const,
      registers,
      async collect() {
        const lag = await current();
        this.reset();
        for (const [key, value] of lag.events) {
          const [kind = '', reader = ''] = key.split('\u0000');
          this.set({ reader, kind }, value);
        }
      },
    });
    new Gauge({
      name: 'log_reader_lag_seconds',
      help: 'Age of the oldest event a subscription or webhook endpoint has not taken yet.',
      labelNames: ['reader', 'kind'] as const,
      registers,
      async collect() {
        const lag = await current();
        this.reset();
        for (const [key, value] of lag.seconds) {
          const [kind = '', reader = ''] = key.split('\u0000');
          this.set({ reader, kind }, value);
        }
      },
    });
  }

  onModuleInit(): void {
    this.readers.register(async () =>
      (await this.webhooks.places()).map((endpoint) => ({
        name: `webhook ${endpoint.id}`,
        kind: 'webhook',
        state: !endpoint.enabled ? 'disabled' : endpoint.failing ? 'failing' : 'running',
        checkpoint: endpoint.position,
        tenant: endpoint.tenant,
      })),
    );
  }

  delivered(outcome: 'delivered' | 'failed', durationMs: number): void {
    this.deliveries.inc({ outcome });
    this.latency.observe({ outcome }, durationMs / 1000);
  }

  private async lag() {
    const events = new Map<string, number>();
    const seconds = new Map<string, number>();
    const now = Date.now();
    for (const status of await this.admin.status()) {
      if (status.kind === 'inline') continue;
      const key = `${status.kind}\u0000${status.name}`;
      const behind = await this.log.lag(status.checkpoint, 1_000_000, true);
      events.set(key, behind?.events ?? status.lag);
      seconds.set(key, behind?.oldest ? Math.max(0, (now - behind.oldest.getTime()) / 1000) : 0);
    }
    return { events, seconds };
  }
}
