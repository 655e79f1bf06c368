import { DomainError } from '../../../shared/domain/domain-error';

/** A webhook endpoint as its owner sees it (never with its secret). */
export type WebhookView = {
  id: string;
  url: string;
  description: string;
  /** Event types sent; empty: every type. */
  types: string[];
  enabled: boolean;
  /** Why delivery stopped, when it was disabled by the service. */
  disabledReason: string | null;
  /** The position of the last event it got (or that did not concern it). */
  position: number;
  /** Since when deliveries fail, while they do. */
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
};

/** One attempt to deliver one event to an endpoint. */
export type DeliveryView = {
  id: string;
  eventId: string;
  eventPosition: number;
  eventType: string;
  attempt: number;
  redelivery: boolean;
  outcome: 'delivered' | 'failed';
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  attemptedAt: string;
};

/** An endpoint with what delivering to it needs. */
export type WebhookEndpoint = WebhookView & {
  tenant: string;
  secret: string;
  /** The secret before the last rotation, while it is still valid (then deliveries carry both). */
  previousSecret: string | null;
  attempts: number;
};

/** What of an endpoint its owner may see. */
export function webhookView(endpoint: WebhookEndpoint): WebhookView {
  const {
    secret: _secret,
    previousSecret: _previousSecret,
    tenant: _tenant,
    attempts: _attempts,
    ...view
  } = endpoint;
  return view;
}

/** What status and metrics show of any tenant's endpoint. */
export type WebhookPlace = {
  id: string;
  tenant: string;
  enabled: boolean;
  /** Its last attempt failed (it is retrying). */
  failing: boolean;
  position: number;
};

export type NewWebhook = {
  id: string;
  tenant: string;
  url: string;
  description: string;
  types: string[];
  secret: string;
  /** Delivery starts after this event: endpoints get what happens from their creation on. */
  position: number;
};

export type WebhookChanges = {
  url?: string;
  description?: string;
  types?: string[];
  /** `true` re-enables a disabled endpoint (and forgets its failures). */
  enabled?: boolean;
};

export type NewDelivery = Omit<DeliveryView, 'attemptedAt'> & { webhookId: string; tenant: string };

export class WebhookNotFoundError extends DomainError {
  readonly code = 'WEBHOOK_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(id: string) {
    super(`No webhook has id ${id}.`, { webhookId: id });
  }
}

export class WebhookDeliveryNotFoundError extends DomainError {
  readonly code = 'WEBHOOK_DELIVERY_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(webhookId: string, deliveryId: string) {
    super(`Webhook ${webhookId} has no delivery ${deliveryId}.`, { webhookId, deliveryId });
  }
}

/** Where endpoints, their places in the log and their delivery attempts are kept. */
export abstract class WebhookStore {
  abstract create(webhook: NewWebhook): Promise<WebhookView>;
  abstract list(tenant: string): Promise<WebhookView[]>;
  abstract find(tenant: string, id: string): Promise<WebhookEndpoint | undefined>;
  abstract update(
    tenant: string,
    id: string,
    changes: WebhookChanges,
  ): Promise<WebhookView | undefined>;
  abstract delete(tenant: string, id: string): Promise<boolean>;
  /**
   * Replaces the secret; the one replaced stays valid for `overlapSeconds` (0: not at all).
   * Resolves with the end of that overlap, `null` without one, `undefined` when there is no
   * such endpoint.
   */
  abstract setSecret(
    tenant: string,
    id: string,
    secret: string,
    overlapSeconds: number,
  ): Promise<Date | null | undefined>;
  abstract deliveries(tenant: string, id: string, limit: number): Promise<DeliveryView[]>;
  abstract delivery(
    tenant: string,
    id: string,
    deliveryId: string,
  ): Promise<DeliveryView | undefined>;
  /** Records attempts (one statement for a batch of them), in the order given. */
  abstract recordDeliveries(deliveries: readonly NewDelivery[]): Promise<DeliveryView[]>;

  /** Leases up to `limit` enabled endpoints that are due, for `owner`, until `leaseMs` from now. */
  abstract claimDue(
    owner: string,
    leaseMs: number,
    limit: number,
    skip: readonly string[],
  ): Promise<WebhookEndpoint[]>;
  // The dispatcher's calls on one endpoint name its tenant: they run under it, and see and
  // change no other tenant's rows.
  /**
   * Records a batch's attempts (in the order given) and, with `reached`, moves the endpoint's
   * place there (it got or skipped every event up to it) and forgets its failures, all at once.
   * `false` when the place did not move: no `reached`, or the endpoint was deleted or leased to
   * another owner meanwhile (its attempts are recorded all the same).
   */
  abstract settle(
    tenant: string,
    id: string,
    owner: string,
    attempts: readonly NewDelivery[],
    reached: number | undefined,
    leaseMs: number,
  ): Promise<boolean>;
  /** Records a failed attempt: retry at `retryAt`, or disable with `disabledReason`. */
  abstract failed(
    tenant: string,
    id: string,
    owner: string,
    failure: { attempts: number; failingSince: Date; retryAt: Date; disabledReason?: string },
  ): Promise<void>;
  /** Extends `owner`'s lease; `false` when it no longer holds it. */
  abstract renew(tenant: string, id: string, owner: string, leaseMs: number): Promise<boolean>;
  abstract release(tenant: string, id: string, owner: string): Promise<void>;
  /** Where every endpoint of every tenant stands, for status and metrics: no url, no secret. */
  abstract places(): Promise<WebhookPlace[]>;
}
