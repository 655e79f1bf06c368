export type DeliveryRequest = {
  url: string;
  /**
   * Each signs the request (`webhook-signature` holds one `v1,` signature per secret): the
   * current secret, and the previous one while it is still valid after a rotation.
   */
  secrets: readonly string[];
  /** `webhook-id`: the same for every attempt at one event, so a receiver can de-duplicate. */
  messageId: string;
  body: string;
  timeoutMs: number;
  /** Connect to loopback, private and link-local addresses too (tests, closed networks). */
  allowPrivateNetworks: boolean;
};

export type DeliveryResult = {
  ok: boolean;
  statusCode?: number;
  durationMs: number;
  error?: string;
};

/** Sends one signed webhook request; resolves with how it went, never rejects. */
export abstract class WebhookTransport {
  abstract send(delivery: DeliveryRequest): Promise<DeliveryResult>;
  /** Drops kept-alive connections. */
  abstract close(): void;
}

/** Says why a receiver's host may not be used (by its literal or resolved addresses). */
export abstract class ReceiverAddressCheck {
  abstract reasonToRefuse(url: URL): Promise<string | undefined>;
}
