import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { StreamSlots } from '../src/integration/application/stream-slots';
import { createScratchDatabase, databaseOf } from './support/database';
import type { TestDatabase } from './support/database';
import { waitFor } from './support/wait-for';

jest.setTimeout(120_000);

type Item = { position: number; streamId: string; sequence: number; type: string };

/** An open `GET /events/stream`: what arrived so far, parsed, and the raw text. */
function openStream(base: string, headers: Record<string, string> = {}, query = '') {
  const events: { id: string; event: string; data: Item }[] = [];
  let text = '';
  let status = 0;
  let closed = false;
  const request = http.get(`${base}/events/stream${query}`, { headers });
  const ready = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.on('response', (response) => {
      status = response.statusCode ?? 0;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        for (;;) {
          const end = text.indexOf('\n\n');
          if (end < 0) break;
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
          ) as Record<string, string>;
          if (fields.data) {
            events.push({
              id: fields.id ?? '',
              event: fields.event ?? '',
              data: JSON.parse(fields.data) as Item,
            });
          }
          if (block.startsWith(': heartbeat')) heartbeats++;
        }
      });
      response.on('close', () => (closed = true));
      resolve(response);
    });
    request.on('error', reject);
  });
  let heartbeats = 0;
  return {
    events,
    ready,
    status: () => status,
    heartbeats: () => heartbeats,
    closed: () => closed,
    close: () => request.destroy(),
  };
}

describe('Server-sent events GET /events/stream (e2e, a database of its own)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let app: NestExpressApplication;
  let base: string;
  let database: TestDatabase;

  beforeAll(async () => {
    scratch = await createScratchDatabase('sse');
    app = await createApp({
      database: { url: scratch.url, poolSize: 10, connectionTimeoutMs: 10_000, migrate: true },
      logger: ['fatal'],
      integration: {
        serverSentEvents: { maxStreamsPerTenant: 3, heartbeatMs: 200, slowReaderTimeoutMs: 500 },
      },
    });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    database = databaseOf(app);
  });

  afterAll(async () => {
    await app?.close();
    await scratch?.drop();
  });

  const createTodo = async () => {
    const response = await request(app.getHttpServer())
      .post('/todos')
      .send({ title: `SSE ${randomUUID()}` })
      .expect(201);
    return (response.body as { id: string }).id;
  };

  const positionOf = async (streamId: string) =>
    Number(
      (
        await database.rows<{ global_position: string }>(
          'SELECT global_position FROM events WHERE aggregate_id = $1 AND sequence = 1',
          [streamId],
        )
      )[0]?.global_position,
    );

  it('pushes new events with id = position, resumes after Last-Event-ID, sends heartbeats', async () => {
    const live = openStream(base);
    expect((await live.ready).headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const id = await createTodo();
    await request(app.getHttpServer()).post(`/todos/${id}/complete`).expect(200);
    await waitFor('two live events', () => live.events.length >= 2);
    expect(live.events.map((e) => [e.event, e.data.streamId, e.data.sequence])).toEqual([
      ['TodoCreated', id, 1],
      ['TodoCompleted', id, 2],
    ]);
    expect(live.events.map((e) => e.id)).toEqual(live.events.map((e) => String(e.data.position)));
    await waitFor('a heartbeat', () => live.heartbeats() > 0);
    live.close();

    // Resume after the first one: only the second comes again.
    const resumed = openStream(base, { 'Last-Event-ID': live.events[0]?.id ?? '' });
    await waitFor('the event after Last-Event-ID', () => resumed.events.length >= 1);
    expect(resumed.events[0]?.data).toMatchObject({ streamId: id, sequence: 2 });
    resumed.close();
  });

  it('refuses a Last-Event-ID that names no event, and malformed ones', async () => {
    const unknown = await request(app.getHttpServer())
      .get('/events/stream')
      .set('Last-Event-ID', '9007199254740991')
      .expect(400);
    expect((unknown.body as { type: string }).type).toBe(
      'urn:todo-service:problem:event-position-unknown',
    );
    await request(app.getHttpServer()).get('/events/stream').set('Last-Event-ID', 'x').expect(400);
  });

  it('with a transaction holding a lower position, streams it first and skips nothing', async () => {
    const anchor = await createTodo();
    const stream = openStream(base, { 'Last-Event-ID': String(await positionOf(anchor)) });
    await stream.ready;
    const held = new Client({ connectionString: scratch.url });
    await held.connect();
    try {
      const slow = randomUUID();
      await held.query('BEGIN');
      await held.query(
        `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload, metadata)
         VALUES ('default', $1, 1, 'todo', 'TodoCreated', '{}', '{}')`,
        [slow],
      );
      const fast = [await createTodo(), await createTodo()];
      await held.query('COMMIT');
      await waitFor('three events', () => stream.events.length >= 3);
      expect(stream.events.map((e) => e.data.streamId)).toEqual([slow, ...fast]);
    } finally {
      await held.end();
      stream.close();
    }
  });

  it('bounds the streams per tenant (429), and frees a slot when a client leaves', async () => {
    const open = [openStream(base), openStream(base), openStream(base)];
    await Promise.all(open.map((stream) => stream.ready));
    const refused = await request(app.getHttpServer()).get('/events/stream').expect(429);
    expect((refused.body as { type: string }).type).toBe(
      'urn:todo-service:problem:too-many-requests',
    );
    open[0]?.close();
    await waitFor('a free slot', async () => {
      const again = openStream(base);
      const response = await again.ready;
      const ok = response.statusCode === 200;
      again.close();
      return ok;
    });
    for (const stream of open) stream.close();
  });

  it('disconnects a reader that does not take what is sent instead of buffering for it', async () => {
    const anchor = await createTodo();
    const start = await positionOf(anchor);
    // 400 events of ~32 KB each: far more than the socket buffers hold.
    await database.query(
      `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload, metadata)
       SELECT 'default', gen_random_uuid(), 1, 'bulk', 'BulkLoaded',
              jsonb_build_object('filler', repeat('x', 32768)), '{}'
       FROM generate_series(1, 400)`,
    );
    const stalled = http.get(`${base}/events/stream`, {
      headers: { 'Last-Event-ID': String(start) },
    });
    const response = await new Promise<http.IncomingMessage>((resolve) =>
      stalled.on('response', resolve),
    );
    response.pause(); // reads nothing
    stalled.on('error', () => undefined);
    const slots = app.get(StreamSlots);
    await waitFor('the server giving up on the stalled reader', () => slots.count() === 0);
    // What the client can still read ends early: the server closed the stream.
    let received = 0;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (received += chunk.split('\nevent: ').length - 1));
    response.resume();
    await new Promise((resolve) => response.socket.on('close', resolve));
    expect(received).toBeLessThan(400);
  });
});
