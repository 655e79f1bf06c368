import { Logger } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, StreamConfig } from '@nats-io/jetstream';
import { headers, nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { NatsSettings } from '../../application/integration-settings';
import { MessageBroker } from '../../application/message-broker';
import type { CloudEvent } from '../../application/outgoing-event';

/** How long one message may wait for JetStream's acknowledgement. */
const ACK_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 5000;

/**
 * A subject token for any text: letters, digits, `_` and `-` stay, everything else (the
 * separators `.`, wildcards `*` and `>`, spaces) becomes `%XX` of its UTF-8 bytes, so distinct
 * names stay distinct and a name can never reach into another subject.
 */
export function subjectToken(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9_-]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

export function subjectOf(prefix: string, event: CloudEvent): string {
  return [prefix, event.tenant, event.streamtype, event.type].map(subjectToken).join('.');
}

/**
 * NATS JetStream through the official client. Each event is one message on
 * `<prefix>.<tenant>.<streamType>.<eventType>` in CloudEvents binary mode (`ce-*` headers, the
 * data as the JSON body) with `Nats-Msg-Id` set to the event's id: JetStream drops a message
 * whose id it has seen within the stream's duplicate window, so a batch republished after a
 * crash is stored once. Messages of a batch are published one after the other, each
 * acknowledged before the next, so the stream keeps the log's order.
 */
export class NatsJetStreamBroker extends MessageBroker {
  readonly name = 'nats';
  readonly destination: string;
  private readonly logger = new Logger('NatsJetStream');
  private connection?: NatsConnection;
  private client?: JetStreamClient;
  private connecting?: Promise<JetStreamClient>;

  constructor(private readonly settings: NatsSettings) {
    super();
    this.destination = settings.stream;
  }

  get connected(): boolean {
    return this.connection !== undefined && !this.connection.isClosed();
  }

  /**
   * Connects and checks the stream. An unreachable server does not stop the service: the relay
   * retries (and readiness shows the lag) until it answers.
   */
  async start(): Promise<void> {
    try {
      await this.ready();
    } catch (error) {
      this.logger.warn(
        `NATS at ${this.settings.url} is not available yet (${describe(error)}); publishing ` +
          'will start once it is.',
      );
    }
  }

  private async ready(): Promise<JetStreamClient> {
    if (this.client && this.connected) return this.client;
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<JetStreamClient> {
    const open = this.connection && !this.connection.isClosed() ? this.connection : undefined;
    const connection = open ?? (await this.connect());
    await this.ensureStream(connection);
    this.client = jetstream(connection);
    this.logger.log(
      `Publishing events to JetStream stream ${this.settings.stream} as ${this.settings.subjectPrefix}.>`,
    );
    return this.client;
  }

  private async connect(): Promise<NatsConnection> {
    const connection = await connect({
      servers: this.settings.url.split(',').map((server) => server.trim()),
      name: 'todo-service',
      maxReconnectAttempts: -1,
      timeout: CONNECT_TIMEOUT_MS,
      // Otherwise every publish captures a stack trace for an error it almost never throws: a
      // tenth of the relay's time per event in a profile under write load.
      noAsyncTraces: true,
    });
    this.connection = connection;
    void this.logStatus(connection);
    return connection;
  }

  private async logStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') {
        this.logger.warn(`NATS ${status.type}`);
      }
    }
  }

  async publish(events: readonly CloudEvent[]): Promise<void> {
    const client = await this.ready();
    for (const event of events) {
      const message = headers();
      message.set('content-type', 'application/json');
      message.set('ce-specversion', event.specversion);
      message.set('ce-id', event.id);
      message.set('ce-source', event.source);
      message.set('ce-type', event.type);
      message.set('ce-subject', event.subject);
      message.set('ce-time', event.time);
      message.set('ce-position', String(event.position));
      message.set('ce-sequence', String(event.sequence));
      message.set('ce-streamtype', event.streamtype);
      message.set('ce-tenant', event.tenant);
      await client.publish(
        subjectOf(this.settings.subjectPrefix, event),
        JSON.stringify(event.data),
        { msgID: event.id, headers: message, timeout: ACK_TIMEOUT_MS },
      );
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.client = undefined;
    await connection?.drain().catch(() => connection.close());
  }

  /** Creates the stream, or brings an existing one's limits to the settings. */
  private async ensureStream(connection: NatsConnection): Promise<void> {
    const manager = await jetstreamManager(connection);
    const subjects = [`${subjectToken(this.settings.subjectPrefix)}.>`];
    const limits: Partial<StreamConfig> = {
      max_age: nanos(this.settings.maxAgeSeconds * 1000),
      max_bytes: this.settings.maxBytes,
      duplicate_window: nanos(this.settings.duplicateWindowSeconds * 1000),
    };
    const existing = await manager.streams.info(this.settings.stream).catch(() => undefined);
    if (!existing) {
      await manager.streams.add({ name: this.settings.stream, subjects, ...limits });
      this.logger.log(`Created JetStream stream ${this.settings.stream}.`);
      return;
    }
    const missing = subjects.filter((subject) => !existing.config.subjects?.includes(subject));
    const changed =
      existing.config.max_age !== limits.max_age ||
      existing.config.max_bytes !== limits.max_bytes ||
      existing.config.duplicate_window !== limits.duplicate_window;
    if (missing.length > 0 || changed) {
      await manager.streams.update(this.settings.stream, {
        ...limits,
        subjects: [...(existing.config.subjects ?? []), ...missing],
      });
      this.logger.log(`Updated JetStream stream ${this.settings.stream} to the configured limits.`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
