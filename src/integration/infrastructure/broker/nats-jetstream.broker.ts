import { Logger } from '@nestjs/common';
import { JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, PubAck, StreamConfig } from '@nats-io/jetstream';
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
 * crash is stored once.
 *
 * A batch goes out as one pipeline: every message is sent before the first acknowledgement is
 * awaited, so a batch costs one socket write and one round trip rather than one per event. The
 * server keeps the log's order: each message after the first carries
 * `Nats-Expected-Last-Msg-Id` with the id of the one before it, so JetStream stores it only
 * right after that one and refuses it otherwise; when a message is refused, every later one of
 * the batch is refused too, `publish` rejects and the relay republishes the batch. JetStream
 * checks `Nats-Msg-Id` before the expectation, so the messages it already has are acknowledged
 * as duplicates and the chain goes on from the last of them. A duplicate that is not the
 * stream's last message (its id left the duplicate window while later ones did not, or another
 * publisher wrote to the stream since) breaks the chain for the next new message: then the rest
 * of the batch is published one message at a time, each acknowledged before the next.
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
    const acknowledged = await Promise.allSettled(
      events.map((event, index) =>
        this.send(client, event, index === 0 ? undefined : events[index - 1]?.id),
      ),
    );
    const failed = acknowledged.findIndex((result) => result.status === 'rejected');
    const failure = acknowledged[failed];
    if (failure?.status !== 'rejected') return;
    // Any other failure (too large, no stream for the subject, a timeout) is the relay's to
    // retry: a later message was stored only right after the failed one, so the order holds.
    if (!isWrongLastMessage(failure.reason)) throw failure.reason;
    // Every message before `failed` is in the stream, but the last of them is not the stream's
    // last message (it was a duplicate, or another publisher wrote since): the chain cannot go
    // on, and one at a time without expectations keeps the order.
    this.logger.debug(
      `Message ${failed + 1} of ${events.length} did not follow the stream's last message ` +
        `(${describe(failure.reason)}); publishing the rest one at a time.`,
    );
    for (const event of events.slice(failed)) await this.send(client, event);
  }

  /** Sends one event; with `after`, JetStream stores it only right after that message id. */
  private send(client: JetStreamClient, event: CloudEvent, after?: string): Promise<PubAck> {
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
    return client.publish(
      subjectOf(this.settings.subjectPrefix, event),
      JSON.stringify(event.data),
      {
        msgID: event.id,
        headers: message,
        timeout: ACK_TIMEOUT_MS,
        ...(after === undefined ? {} : { expect: { lastMsgID: after } }),
      },
    );
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

/** JetStream's `JSStreamWrongLastMsgIDErrF`: the stream's last message is not the one expected. */
const WRONG_LAST_MSG_ID = 10070;

function isWrongLastMessage(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === WRONG_LAST_MSG_ID;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
