import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { MessageBroker } from '../src/integration/application/message-broker';
import type { CloudEvent } from '../src/integration/application/outgoing-event';
import { startTestApp } from './support/app';
import { waitFor } from './support/wait-for';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

jest.setTimeout(120_000);

/** Every message of a stream, in order, through an ordered consumer. */
async function messagesOf(nats: NatsConnection, stream: string): Promise<JsMsg[]> {
  const manager = await jetstreamManager(nats);
  const total = (await manager.streams.info(stream)).state.messages;
  const consumer = await jetstream(nats).consumers.get(stream);
  const messages: JsMsg[] = [];
  while (messages.length < total) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
    for await (const message of batch) messages.push(message);
  }
  return messages;
}

describe('Broker publisher to NATS JetStream (e2e, real server)', () => {
  let nats: NatsConnection;

  beforeAll(async () => {
    nats = await connect({ servers: NATS_URL });
  });

  afterAll(() => nats.close());

  describe('with NATS_URL set', () => {
    let app: NestExpressApplication;
    let http: ReturnType<NestExpressApplication['getHttpServer']>;
    const suffix = randomUUID().slice(0, 8);
    const stream = `TEST_TODO_EVENTS_${suffix}`;
    const prefix = `test_${suffix}`;

    beforeAll(async () => {
      app = await startTestApp({
        integration: {
          nats: {
            url: NATS_URL,
            stream,
            subjectPrefix: prefix,
            maxAgeSeconds: 3600,
            maxBytes: 64 * 1024 * 1024,
            duplicateWindowSeconds: 300,
          },
        },
      });
      http = app.getHttpServer();
    });

    afterAll(async () => {
      await app.close();
      const manager = await jetstreamManager(nats);
      await manager.streams.delete(stream).catch(() => undefined);
    });

    it('creates the stream with the configured limits', async () => {
      const info = await (await jetstreamManager(nats)).streams.info(stream);
      expect(info.config).toMatchObject({
        subjects: [`${prefix}.>`],
        max_age: nanos(3600 * 1000),
        max_bytes: 64 * 1024 * 1024,
        duplicate_window: nanos(300 * 1000),
      });
    });

    it('publishes every event once, in order, as a CloudEvent with Nats-Msg-Id = event id', async () => {
      const created = await request(http).post('/todos').send({ title: 'Publish me' }).expect(201);
      const id = (created.body as { id: string }).id;
      await request(http).post(`/todos/${id}/complete`).expect(200);

      const mine = await waitFor('both events in JetStream', async () => {
        const messages = (await messagesOf(nats, stream)).filter(
          (message) => message.headers?.get('ce-subject') === id,
        );
        return messages.length === 2 ? messages : undefined;
      });
      expect(mine.map((message) => message.subject)).toEqual([
        `${prefix}.default.todo.TodoCreated`,
        `${prefix}.default.todo.TodoCompleted`,
      ]);
      const [first, second] = mine;
      expect(first?.headers?.get('ce-specversion')).toBe('1.0');
      expect(first?.headers?.get('ce-type')).toBe('TodoCreated');
      expect(first?.headers?.get('ce-source')).toBe('/todo-service/default/todo');
      expect(first?.headers?.get('ce-tenant')).toBe('default');
      expect(first?.headers?.get('ce-sequence')).toBe('1');
      expect(second?.headers?.get('ce-sequence')).toBe('2');
      expect(first?.headers?.get('content-type')).toBe('application/json');
      expect(first?.headers?.get('Nats-Msg-Id')).toBe(first?.headers?.get('ce-id'));
      expect(first?.json<{ title: string }>().title).toBe('Publish me');
      expect(Number(second?.headers?.get('ce-position'))).toBeGreaterThan(
        Number(first?.headers?.get('ce-position')),
      );
    });

    it('a republished batch (a crash before the checkpoint moved) is stored once', async () => {
      const broker = app.get(MessageBroker);
      const event: CloudEvent = {
        specversion: '1.0',
        id: randomUUID(),
        source: '/todo-service/default/todo',
        type: 'TodoCreated',
        subject: randomUUID(),
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: { title: 'twice' },
        position: 1,
        sequence: 1,
        streamtype: 'todo',
        tenant: 'default',
      };
      await broker.publish([event]);
      await broker.publish([event]);
      const copies = (await messagesOf(nats, stream)).filter(
        (message) => message.headers?.get('ce-id') === event.id,
      );
      expect(copies).toHaveLength(1);
    });

    it('reports the publisher and its lag in readiness', async () => {
      const ready = await request(http).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({
        info: {
          broker: {
            status: 'up',
            broker: 'nats',
            connected: true,
            lagEvents: expect.any(Number) as number,
            lagSeconds: expect.any(Number) as number,
          },
        },
      });
    });
  });

  it('starts without a broker when NATS_URL is unset, and with one that is not reachable yet', async () => {
    const plain = await startTestApp();
    try {
      const ready = await request(plain.getHttpServer()).get('/health/ready').expect(200);
      expect((ready.body as { info: Record<string, unknown> }).info.broker).toBeUndefined();
    } finally {
      await plain.close();
    }
    const away = await startTestApp({
      integration: {
        nats: {
          url: 'nats://127.0.0.1:1',
          stream: `TEST_AWAY_${randomUUID().slice(0, 8)}`,
          subjectPrefix: 'away',
          maxAgeSeconds: 60,
          maxBytes: -1,
          duplicateWindowSeconds: 60,
        },
      },
    });
    try {
      const ready = await request(away.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({ info: { broker: { status: 'up', connected: false } } });
      await request(away.getHttpServer()).post('/todos').send({ title: 'no broker' }).expect(201);
    } finally {
      await away.close();
    }
  });
});
