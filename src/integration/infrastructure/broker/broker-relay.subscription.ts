import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SubscriptionRegistry } from '../../../event-store';
import type { EventSubscription, PositionedEvent, SqlTransaction } from '../../../event-store';
import { backoffDelay } from '../../domain/backoff';
import { sleep } from '../../application/sleep';
import { tenantOf } from '../../application/event-tenant';
import { INTEGRATION_WORKERS } from '../../application/integration-settings';
import { MessageBroker } from '../../application/message-broker';
import { cloudEventOf, outgoingEvent } from '../../application/outgoing-event';

const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 30_000;

/** The relay's checkpoint name (see `projections status`): one per broker and destination. */
export function brokerRelayName(broker: MessageBroker): string {
  const slug = `${broker.name}_${broker.destination}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `broker_${slug}`.slice(0, 48);
}

/**
 * Relays every event of the log to the message broker, in log order, from a checkpointed
 * subscription: the checkpoint moves in the same transaction as the batch, after the broker
 * confirmed every message of it. A crash between the two republishes the batch, which the
 * broker's de-duplication by event id absorbs. While the broker is unreachable, the batch is
 * retried with growing pauses instead of failing: an outage delays the relay (its lag shows in
 * readiness and metrics) but never parks it. Only registered when a broker is configured.
 */
@Injectable()
export class BrokerRelaySubscription
  implements EventSubscription, OnModuleInit, BeforeApplicationShutdown
{
  readonly name: string;
  readonly eventTypes = 'all' as const;
  private readonly logger = new Logger('BrokerRelay');
  private readonly stopping = new AbortController();
  /** The last event the broker confirmed, for lag. */
  lastPublished?: { position: number; recordedAt: Date };

  constructor(
    private readonly registry: SubscriptionRegistry,
    @Inject(INTEGRATION_WORKERS) private readonly workers: boolean,
    @Optional() @Inject(MessageBroker) private readonly broker?: MessageBroker,
  ) {
    this.name = broker ? brokerRelayName(broker) : 'broker';
  }

  async onModuleInit(): Promise<void> {
    if (!this.broker) return;
    // Registered everywhere, so `projections status` lists it; connected only where it runs.
    this.registry.register(this);
    if (this.workers) await this.broker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.broker?.close();
  }

  async handle(_transaction: SqlTransaction, events: readonly PositionedEvent[]): Promise<void> {
    const broker = this.broker;
    if (!broker) return;
    const messages = events.map((event) => cloudEventOf(outgoingEvent(event), tenantOf(event)));
    for (let attempt = 1; ; attempt++) {
      try {
        await broker.publish(messages);
        break;
      } catch (error) {
        if (this.stopping.signal.aborted) throw error;
        const pause = backoffDelay(attempt, RETRY_BASE_MS, RETRY_MAX_MS, Math.random);
        this.logger.warn(
          `Publishing ${messages.length} event(s) to ${broker.name} failed (attempt ${attempt}): ` +
            `${error instanceof Error ? error.message : String(error)}; retrying in ${pause} ms.`,
        );
        await sleep(pause, this.stopping.signal);
      }
    }
    const last = events.at(-1);
    if (last) this.lastPublished = { position: last.globalPosition, recordedAt: last.recordedAt };
  }
}
