import type { CloudEvent } from './outgoing-event';

/**
 * A message broker the log is relayed to (the port another broker implements: see
 * docs/extending.md). The relay hands it batches in log order and moves its checkpoint only
 * once `publish` resolved, so every event is published at least once; a broker that
 * de-duplicates by the CloudEvent's `id` makes that exactly once.
 */
export abstract class MessageBroker {
  /** For logs, metrics and status: `nats`, `rabbitmq`, ... */
  abstract readonly name: string;

  /**
   * Where it publishes (a stream, an exchange, a topic). The relay keeps one checkpoint per
   * broker and destination, so a new destination is filled from the start of the log.
   */
  abstract readonly destination: string;

  /** Connects and makes sure the destination exists with the configured limits. */
  abstract start(): Promise<void>;

  /**
   * Publishes the events in the order given and resolves once the broker has stored every one
   * of them (or already had it). Rejects when any was not confirmed; the relay then retries the
   * whole batch, so duplicates must be harmless, and nothing after a message the broker refused
   * may have been stored, or the retry would put that message after its successors.
   */
  abstract publish(events: readonly CloudEvent[]): Promise<void>;

  /** Whether the connection is up right now, for readiness. */
  abstract get connected(): boolean;

  abstract close(): Promise<void>;
}
