import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { CloudEvent } from '../../application/outgoing-event';
import { NatsJetStreamBroker, subjectOf } from './nats-jetstream.broker';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Events 1..count of one todo, in log order; `big` gives one of them a body of that many bytes. */
function batch(count: number, big?: { at: number; bytes: number }): CloudEvent[] {
  const subject = randomUUID();
  return Array.from({ length: count }, (_, index) => ({
    specversion: '1.0',
    id: randomUUID(),
    source: '/todo-service/default/todo',
    type: 'TodoRenamed',
    subject,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { title: index + 1 === big?.at ? 'x'.repeat(big.bytes) : `title ${index + 1}` },
    position: index + 1,
    sequence: index + 1,
    streamtype: 'todo',
    tenant: 'default',
  }));
}

const ids = (events: readonly CloudEvent[]) => events.map((event) => event.id);

describe('NatsJetStreamBroker against a real JetStream server', () => {
  let nats: NatsConnection;
  let manager: JetStreamManager;
  let broker: NatsJetStreamBroker;
  let stream: string;
  let prefix: string;

  beforeAll(async () => {
    nats = await connect({ servers: NATS_URL });
    manager = await jetstreamManager(nats);
  });

  afterAll(() => nats.close());

  beforeEach(async () => {
    const suffix = randomUUID().slice(0, 8);
    stream = `TEST_BROKER_${suffix}`;
    prefix = `broker_${suffix}`;
    broker = new NatsJetStreamBroker({
      url: NATS_URL,
      stream,
      subjectPrefix: prefix,
      maxAgeSeconds: 600,
      maxBytes: -1,
      duplicateWindowSeconds: 120,
    });
    await broker.start();
  });

  afterEach(async () => {
    await broker.close();
    await manager.streams.delete(stream);
  });

  /** The `Nats-Msg-Id` of every message in the stream, in the stream's order. */
  async function stored(): Promise<string[]> {
    const total = (await manager.streams.info(stream)).state.messages;
    const consumer = await jetstream(nats).consumers.get(stream);
    const found: string[] = [];
    while (found.length < total) {
      const messages = await consumer.fetch({ max_messages: total - found.length, expires: 2000 });
      for await (const message of messages) found.push(message.headers?.get('Nats-Msg-Id') ?? '');
    }
    return found;
  }

  it('a batch published as one pipeline lands in log order, each message once', async () => {
    const events = batch(100);
    await broker.publish(events);
    expect(await stored()).toEqual(ids(events));
  });

  it('a message refused in the middle leaves nothing after it stored; once it fits, the republished batch ends in log order', async () => {
    await manager.streams.update(stream, { max_msg_size: 4096 });
    const events = batch(10, { at: 5, bytes: 8192 });

    await expect(broker.publish(events)).rejects.toThrow('message size exceeds maximum allowed');
    expect(await stored()).toEqual(ids(events.slice(0, 4)));

    await manager.streams.update(stream, { max_msg_size: -1 });
    await broker.publish(events);
    expect(await stored()).toEqual(ids(events));
  });

  it('republishing a stored batch stores nothing new, whether all of it or only its start was stored', async () => {
    const events = batch(20);
    await broker.publish(events.slice(0, 7)); // a crash before the rest went out
    await broker.publish(events);
    await broker.publish(events); // a crash before the checkpoint moved
    expect(await stored()).toEqual(ids(events));
  });

  // What the pipeline relies on: a republished message that the stream already holds is
  // acknowledged as a duplicate although its expected last message is not the stream's last.
  it('the server acknowledges a duplicate before it checks the expected last message id', async () => {
    const events = batch(3);
    await broker.publish(events);
    const [first, second] = events;
    if (!first || !second) throw new Error('three events expected');
    const ack = await jetstream(nats).publish(subjectOf(prefix, second), '{}', {
      msgID: second.id,
      expect: { lastMsgID: first.id },
    });
    expect(ack).toMatchObject({ duplicate: true, seq: 2 });
    await expect(
      jetstream(nats).publish(subjectOf(prefix, second), '{}', {
        msgID: randomUUID(),
        expect: { lastMsgID: first.id },
      }),
    ).rejects.toThrow(`wrong last msg ID: ${events[2]?.id}`);
  });

  it('a batch retried across the edge of the duplicate window still reaches its end', async () => {
    await manager.streams.update(stream, { duplicate_window: nanos(1000) });
    const [first, second, third] = batch(3);
    if (!first || !second || !third) throw new Error('three events expected');
    await broker.publish([first]);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the first leaves the window
    await broker.publish([second]);

    // The first is stored again (as it would be one at a time), the second is a duplicate that
    // is not the stream's last message, so the third's expectation can never hold.
    await broker.publish([first, second, third]);
    expect(await stored()).toEqual(ids([first, second, first, third]));
  });

  it('a chain broken by a duplicate that is not the stream’s last message falls back to one message at a time', async () => {
    const events = batch(6);
    await broker.publish(events.slice(0, 3));
    // Another publisher's message after ours: the third event is a duplicate but not the
    // stream's last message, so the fourth's expectation fails.
    const foreign = randomUUID();
    await jetstream(nats).publish(`${prefix}.default.other.Written`, '{}', { msgID: foreign });

    await broker.publish(events);
    expect(await stored()).toEqual([...ids(events.slice(0, 3)), foreign, ...ids(events.slice(3))]);
  });
});
