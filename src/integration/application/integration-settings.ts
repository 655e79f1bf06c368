/** Where and how events are published to NATS JetStream. */
export type NatsSettings = {
  /** Server URL(s), comma-separated (`nats://host:4222`). */
  url: string;
  /** The JetStream stream that keeps the events; created at start when missing. */
  stream: string;
  /** Subjects are `<prefix>.<tenant>.<streamType>.<eventType>`. */
  subjectPrefix: string;
  /** Messages older than this are dropped by the stream (0: kept for ever). */
  maxAgeSeconds: number;
  /** The stream's size limit in bytes, oldest dropped first (-1: none). */
  maxBytes: number;
  /** How long JetStream remembers a message id to drop a republished duplicate. */
  duplicateWindowSeconds: number;
};

export type WebhookSettings = {
  /** Keep retrying a failing endpoint this long, then disable it. */
  retryForSeconds: number;
  /** Allow endpoints on loopback, private, link-local and metadata addresses (tests, closed networks). */
  allowPrivateNetworks: boolean;
  /** Allow `http:` endpoints (tests, closed networks). */
  allowHttp: boolean;
  /** One delivery may take this long, connection included. */
  timeoutMs: number;
  /** How often idle endpoints look for new events. */
  pollIntervalMs: number;
  /**
   * After a secret is rotated, deliveries are signed with the previous secret too for this long
   * (0: the new secret replaces the old one at once).
   */
  secretOverlapSeconds: number;
};

export type ServerSentEventSettings = {
  /** Open event streams per tenant in this process; one more answers 429. */
  maxStreamsPerTenant: number;
  heartbeatMs: number;
  /** A client that has not taken a written batch within this long is disconnected. */
  slowReaderTimeoutMs: number;
};

export type IntegrationSettings = {
  /** Unset: no broker publisher. */
  nats?: NatsSettings;
  webhooks: WebhookSettings;
  serverSentEvents: ServerSentEventSettings;
};

export const DEFAULT_INTEGRATION_SETTINGS: IntegrationSettings = {
  webhooks: {
    retryForSeconds: 24 * 60 * 60,
    allowPrivateNetworks: false,
    allowHttp: false,
    timeoutMs: 10_000,
    pollIntervalMs: 1000,
    secretOverlapSeconds: 24 * 60 * 60,
  },
  serverSentEvents: { maxStreamsPerTenant: 10, heartbeatMs: 15_000, slowReaderTimeoutMs: 30_000 },
};

export const DEFAULT_NATS_SETTINGS: Omit<NatsSettings, 'url'> = {
  stream: 'TODO_EVENTS',
  subjectPrefix: 'todo',
  maxAgeSeconds: 7 * 24 * 60 * 60,
  maxBytes: -1,
  duplicateWindowSeconds: 120,
};

/** Injection token for `IntegrationSettings`. */
export const INTEGRATION_SETTINGS = Symbol('INTEGRATION_SETTINGS');

/**
 * Whether this process runs the background work (webhook deliveries, the broker connection):
 * off where subscriptions are off (the CLI, standbys).
 */
export const INTEGRATION_WORKERS = Symbol('INTEGRATION_WORKERS');
