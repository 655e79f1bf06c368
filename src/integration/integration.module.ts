import { Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventStoreModule } from '../event-store';
import { ChangeFeed } from './application/change-feed';
import { StreamSlots } from './application/stream-slots';
import {
  DEFAULT_INTEGRATION_SETTINGS,
  INTEGRATION_SETTINGS,
  INTEGRATION_WORKERS,
} from './application/integration-settings';
import type { IntegrationSettings } from './application/integration-settings';
import { MessageBroker } from './application/message-broker';
import { BrokerReadiness } from './infrastructure/broker/broker-readiness';
import { BrokerRelaySubscription } from './infrastructure/broker/broker-relay.subscription';
import { NatsJetStreamBroker } from './infrastructure/broker/nats-jetstream.broker';
import { EventsController } from './interface/http/events.controller';
import { WebhooksController } from './interface/http/webhooks.controller';
import { WebhookStore } from './application/webhooks/webhook';
import { WebhookAdmin } from './application/webhooks/webhook-admin';
import { DeliveryObserver, WebhookDelivery } from './application/webhooks/webhook-delivery';
import { IntegrationMetrics } from './infrastructure/integration-metrics';
import { ReceiverAddressCheck, WebhookTransport } from './application/webhooks/webhook-transport';
import { DnsReceiverAddressCheck } from './infrastructure/webhooks/dns-receiver-address-check';
import { PostgresWebhookStore } from './infrastructure/webhooks/postgres-webhook-store';
import { WebhookDispatcher } from './infrastructure/webhooks/webhook-dispatcher';
import { WebhookSender } from './infrastructure/webhooks/webhook-sender';

/**
 * The log, taken outside the service: an HTTP change feed with long polling, server-sent events,
 * signed webhooks and a broker publisher. One module because all of them hand the same events
 * to peers in the same shapes (`OutgoingEvent`, CloudEvents), keep their own place in the log
 * through the event store's public API only, and share one tenant rule.
 */
@Module({})
export class IntegrationModule {
  /**
   * `workers`: run the background deliveries (webhooks) in this process; off where
   * subscriptions are off.
   */
  static forRoot(options: Partial<IntegrationSettings> = {}, workers = true): DynamicModule {
    const settings: IntegrationSettings = { ...DEFAULT_INTEGRATION_SETTINGS, ...options };
    const broker: Provider[] = settings.nats
      ? [{ provide: MessageBroker, useValue: new NatsJetStreamBroker(settings.nats) }]
      : [];
    return {
      module: IntegrationModule,
      imports: [EventStoreModule, TerminusModule],
      controllers: [EventsController, WebhooksController],
      providers: [
        { provide: INTEGRATION_SETTINGS, useValue: settings },
        ChangeFeed,
        StreamSlots,
        ...broker,
        BrokerRelaySubscription,
        BrokerReadiness,
        { provide: WebhookStore, useClass: PostgresWebhookStore },
        { provide: WebhookTransport, useClass: WebhookSender },
        { provide: ReceiverAddressCheck, useClass: DnsReceiverAddressCheck },
        { provide: INTEGRATION_WORKERS, useValue: workers },
        WebhookDelivery,
        WebhookAdmin,
        WebhookDispatcher,
        IntegrationMetrics,
        { provide: DeliveryObserver, useExisting: IntegrationMetrics },
      ],
    };
  }
}
