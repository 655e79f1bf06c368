import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { createScratchDatabase } from './support/database';
import { waitFor } from './support/wait-for';
import { startReceiver } from './support/webhook-receiver';

/**
 * The service (the built `dist/main.js`) is killed with SIGKILL while it delivers 1,000 events
 * to a webhook receiver and publishes them to JetStream, then started again: the receiver must
 * have every event at least once, each one only after the one before it in its stream, every
 * signature valid; the JetStream stream every event exactly once.
 */

const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const STREAMS = 50;
const PER_STREAM = 20;

jest.setTimeout(240_000);

function start(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The service did not start in time:\n${output}`));
    }, 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /Listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port !== undefined) {
        clearTimeout(timer);
        resolve({ child, base: `http://127.0.0.1:${port}` });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The service exited with ${code} before listening:\n${output}`));
    });
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

describe('crash while delivering 1,000 events to a webhook and to JetStream (e2e)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let nats: NatsConnection;
  const suffix = randomUUID().slice(0, 8);
  const stream = `TEST_CRASH_${suffix}`;

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run npm run build (npm test does).`);
    scratch = await createScratchDatabase('crash');
    nats = await connect({ servers: NATS_URL });
  });

  afterAll(async () => {
    await (await jetstreamManager(nats)).streams.delete(stream).catch(() => undefined);
    await nats.close();
    await scratch.drop();
  });

  it('restarts into every event at least once in order per stream, and JetStream exactly once', async () => {
    const receiver = await startReceiver(() => 200, 2);
    const env = {
      DATABASE_URL: scratch.url,
      NATS_URL,
      NATS_STREAM: stream,
      NATS_SUBJECT_PREFIX: `crash_${suffix}`,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_POLL_MS: '50',
      SUBSCRIPTIONS_POLL_MS: '100',
    };
    let first = await start(env);
    const db = new Client({ connectionString: scratch.url });
    await db.connect();
    try {
      const created = await fetch(`${first.base}/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, description: 'crash test' }),
      });
      expect(created.status).toBe(201);
      receiver.trust(((await created.json()) as { secret: string }).secret);

      // 1,000 events: 50 streams of 20, written by 20 transactions of 50 events.
      const streams = Array.from({ length: STREAMS }, () => randomUUID());
      for (let sequence = 1; sequence <= PER_STREAM; sequence++) {
        await db.query(
          `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload, metadata)
           SELECT 'default', id, $2::int, 'crash', 'CrashTested', jsonb_build_object('n', $2::int), '{}'
           FROM unnest($1::uuid[]) AS id`,
          [streams, sequence],
        );
      }
      const { rows } = await db.query<{ event_id: string }>(
        `SELECT event_id FROM events WHERE stream_type = 'crash'`,
      );
      const all = new Set(rows.map((row) => row.event_id));
      expect(all.size).toBe(STREAMS * PER_STREAM);

      await waitFor('deliveries under way', () => receiver.received.length >= 150, 120_000);
      await stop(first.child, 'SIGKILL');
      const beforeRestart = new Set(receiver.received.map((r) => r.id)).size;
      expect(beforeRestart).toBeLessThan(all.size);

      first = await start(env);
      await waitFor(
        'every event at the receiver',
        () =>
          all.size === new Set(receiver.received.map((r) => r.id).filter((id) => all.has(id))).size,
        180_000,
      );
      const manager = await jetstreamManager(nats);
      await waitFor(
        'every event in JetStream',
        async () => (await manager.streams.info(stream)).state.messages >= all.size,
        120_000,
      );

      // Webhooks: every signature valid, and an event only ever arrives for the first time
      // after the one before it in its stream.
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      const seen = new Map<string, number>();
      for (const { body } of receiver.received) {
        const last = seen.get(body.subject) ?? 0;
        if (body.sequence > last) {
          expect(body.sequence).toBe(last + 1);
          seen.set(body.subject, body.sequence);
        }
      }
      expect([...seen.values()].every((last) => last === PER_STREAM)).toBe(true);

      // JetStream: each event exactly once.
      const info = await manager.streams.info(stream);
      expect(info.state.messages).toBe(all.size);
      const consumer = await jetstream(nats).consumers.get(stream);
      const ids: string[] = [];
      while (ids.length < all.size) {
        const batch = await consumer.fetch({ max_messages: 500, expires: 2000 });
        for await (const message of batch) ids.push(message.headers?.get('ce-id') ?? '');
      }
      expect(new Set(ids).size).toBe(all.size);
      expect(ids.every((id) => all.has(id))).toBe(true);
    } finally {
      await db.end();
      await stop(first.child, 'SIGTERM');
      await receiver.close();
    }
  });
});
