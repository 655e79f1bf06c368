import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EventLog } from '../../../event-store';
import { IdGenerator } from '../../../shared/application/id-generator';
import { checkWebhookUrl, WebhookUrlInvalidError } from '../../domain/webhook-url';
import { INTEGRATION_SETTINGS } from '../integration-settings';
import type { IntegrationSettings } from '../integration-settings';
import {
  WebhookDeliveryNotFoundError,
  WebhookNotFoundError,
  WebhookStore,
  webhookView,
} from './webhook';
import type { DeliveryView, WebhookChanges, WebhookView } from './webhook';
import { WebhookDelivery } from './webhook-delivery';
import { ReceiverAddressCheck } from './webhook-transport';

export const DELIVERIES_LIMIT_DEFAULT = 50;
export const DELIVERIES_LIMIT_MAX = 500;

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Manages a tenant's webhook endpoints; every call is scoped to the tenant given. */
@Injectable()
export class WebhookAdmin {
  constructor(
    private readonly store: WebhookStore,
    private readonly log: EventLog,
    private readonly addresses: ReceiverAddressCheck,
    private readonly delivery: WebhookDelivery,
    private readonly ids: IdGenerator,
    @Inject(INTEGRATION_SETTINGS) private readonly settings: IntegrationSettings,
  ) {}

  /** Creates an endpoint that gets the events from now on; its secret is returned this once. */
  async create(
    tenant: string,
    input: { url: string; types?: string[]; description?: string },
  ): Promise<WebhookView & { secret: string }> {
    const url = await this.checkUrl(input.url);
    const secret = newSigningSecret();
    const head = await this.log.head();
    const view = await this.store.create({
      id: this.ids.newId(),
      tenant,
      url,
      description: input.description ?? '',
      types: input.types ?? [],
      secret,
      position: head.position,
    });
    return { ...view, secret };
  }

  list(tenant: string): Promise<WebhookView[]> {
    return this.store.list(tenant);
  }

  async get(tenant: string, id: string): Promise<WebhookView> {
    const found = await this.store.find(tenant, id);
    if (!found) throw new WebhookNotFoundError(id);
    return webhookView(found);
  }

  async update(tenant: string, id: string, changes: WebhookChanges): Promise<WebhookView> {
    const checked =
      changes.url === undefined ? changes : { ...changes, url: await this.checkUrl(changes.url) };
    const updated = await this.store.update(tenant, id, checked);
    if (!updated) throw new WebhookNotFoundError(id);
    return updated;
  }

  async delete(tenant: string, id: string): Promise<void> {
    if (!(await this.store.delete(tenant, id))) throw new WebhookNotFoundError(id);
  }

  /**
   * A new secret, returned this once. Deliveries are signed with it and, until
   * `previousSecretValidUntil` (`WEBHOOK_SECRET_OVERLAP` after now), with the secret it
   * replaces, so the receiver may switch at any time in between. Rotating again within that
   * window ends the older secret's validity at once.
   */
  async rotateSecret(
    tenant: string,
    id: string,
  ): Promise<{ secret: string; previousSecretValidUntil: string | null }> {
    const secret = newSigningSecret();
    const until = await this.store.setSecret(
      tenant,
      id,
      secret,
      this.settings.webhooks.secretOverlapSeconds,
    );
    if (until === undefined) throw new WebhookNotFoundError(id);
    return { secret, previousSecretValidUntil: until?.toISOString() ?? null };
  }

  async deliveries(tenant: string, id: string, limit: number): Promise<DeliveryView[]> {
    await this.get(tenant, id);
    return this.store.deliveries(tenant, id, limit);
  }

  /** Sends the event of an earlier attempt again, now, and returns the new attempt. */
  async redeliver(tenant: string, id: string, deliveryId: string): Promise<DeliveryView> {
    const endpoint = await this.store.find(tenant, id);
    if (!endpoint) throw new WebhookNotFoundError(id);
    const earlier = await this.store.delivery(tenant, id, deliveryId);
    const event = earlier && (await this.log.at(earlier.eventPosition));
    if (!earlier || !event) throw new WebhookDeliveryNotFoundError(id, deliveryId);
    return this.delivery.deliver(endpoint, event, earlier.attempt + 1, true);
  }

  private async checkUrl(value: string): Promise<string> {
    const { allowHttp, allowPrivateNetworks } = this.settings.webhooks;
    const url = checkWebhookUrl(value, { allowHttp, allowPrivateNetworks });
    if (!allowPrivateNetworks) {
      const reason = await this.addresses.reasonToRefuse(url);
      if (reason) throw new WebhookUrlInvalidError(reason);
    }
    return url.toString();
  }
}
