import { Inject, Injectable, Optional } from '@nestjs/common';
import type { PositionedEvent } from '../../../event-store';
import { IdGenerator } from '../../../shared/application/id-generator';
import { tenantOf } from '../event-tenant';
import { INTEGRATION_SETTINGS } from '../integration-settings';
import type { IntegrationSettings } from '../integration-settings';
import { cloudEventOf, outgoingEvent } from '../outgoing-event';
import { WebhookStore } from './webhook';
import type { DeliveryView, NewDelivery, WebhookEndpoint } from './webhook';
import { WebhookTransport } from './webhook-transport';

/** Observes deliveries (metrics); optional. */
export abstract class DeliveryObserver {
  abstract delivered(outcome: 'delivered' | 'failed', durationMs: number): void;
}

/**
 * Sends one event to one endpoint as a signed CloudEvent and records the attempt. The
 * `webhook-id` is the event's id on every attempt, so a receiver de-duplicates by it.
 */
@Injectable()
export class WebhookDelivery {
  constructor(
    private readonly store: WebhookStore,
    private readonly transport: WebhookTransport,
    private readonly ids: IdGenerator,
    @Inject(INTEGRATION_SETTINGS) private readonly settings: IntegrationSettings,
    @Optional() private readonly observer?: DeliveryObserver,
  ) {}

  /** Sends the event and records the attempt at once. */
  async deliver(
    endpoint: WebhookEndpoint,
    event: PositionedEvent,
    attempt: number,
    redelivery = false,
  ): Promise<DeliveryView> {
    const [recorded] = await this.store.recordDeliveries([
      await this.attempt(endpoint, event, attempt, redelivery),
    ]);
    if (!recorded) throw new Error('The delivery attempt was not recorded.');
    return recorded;
  }

  /** Sends the event; the attempt is for the caller to record (`WebhookStore.settle`). */
  async attempt(
    endpoint: WebhookEndpoint,
    event: PositionedEvent,
    attempt: number,
    redelivery = false,
  ): Promise<NewDelivery> {
    const body = JSON.stringify(cloudEventOf(outgoingEvent(event), tenantOf(event)));
    const result = await this.transport.send({
      url: endpoint.url,
      secrets:
        endpoint.previousSecret === null
          ? [endpoint.secret]
          : [endpoint.secret, endpoint.previousSecret],
      messageId: event.eventId,
      body,
      timeoutMs: this.settings.webhooks.timeoutMs,
      allowPrivateNetworks: this.settings.webhooks.allowPrivateNetworks,
    });
    const outcome = result.ok ? 'delivered' : 'failed';
    this.observer?.delivered(outcome, result.durationMs);
    return {
      id: this.ids.newId(),
      webhookId: endpoint.id,
      tenant: endpoint.tenant,
      eventId: event.eventId,
      eventPosition: event.globalPosition,
      eventType: event.type,
      attempt,
      redelivery,
      outcome,
      statusCode: result.statusCode ?? null,
      durationMs: result.durationMs,
      error: result.error?.slice(0, 1000) ?? null,
    };
  }
}
