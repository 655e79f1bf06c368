import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import type { OutgoingEvent } from '../src/integration/application/outgoing-event';
import { startTestApp } from './support/app';
import { databaseOf, testDatabaseUrl } from './support/database';
import type { TestDatabase } from './support/database';

type Item = OutgoingEvent;
type Page = { items: Item[]; nextAfter: number };

jest.setTimeout(90_000);

describe('Change feed GET /events (e2e)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;
  let database: TestDatabase;

  beforeAll(async () => {
    app = await startTestApp();
    http = app.getHttpServer();
    database = databaseOf(app);
  });

  afterAll(() => app.close());

  const createTodo = async (title: string) => {
    const response = await request(http).post('/todos').send({ title }).expect(201);
    return (response.body as { id: string }).id;
  };

  const positionOf = async (streamId: string, sequence = 1) => {
    const rows = await database.rows<{ global_position: string }>(
      'SELECT global_position FROM events WHERE aggregate_id = $1 AND sequence = $2',
      [streamId, sequence],
    );
    return Number(rows[0]?.global_position);
  };

  /** Reads the feed from `after` until `done` says it has what it wants (or the log ends). */
  const follow = async (after: number, done: (items: Item[]) => boolean, query = '') => {
    const seen: Item[] = [];
    let cursor = after;
    for (let round = 0; round < 200 && !done(seen); round++) {
      const response = await request(http)
        .get(`/events?after=${cursor}&limit=50&wait=2${query}`)
        .expect(200);
      const page = response.body as Page;
      seen.push(...page.items);
      cursor = page.nextAfter;
    }
    return seen;
  };

  it('serves events in order with their facts, pages with nextAfter and Link', async () => {
    const id = await createTodo(`Feed ${randomUUID()}`);
    await request(http).post(`/todos/${id}/complete`).expect(200);
    const start = await positionOf(id);

    const response = await request(http).get(`/events?after=${start}&limit=1`).expect(200);
    const page = response.body as Page;
    expect(page.items).toHaveLength(1);
    expect(page.nextAfter).toBe(page.items[0]?.position);
    expect(response.headers.link).toBe(`</events?after=${page.nextAfter}&limit=1>; rel="next"`);

    const mine = (
      await follow(start, (items) =>
        items.some((item) => item.streamId === id && item.sequence === 2),
      )
    ).filter((item) => item.streamId === id);
    expect(mine).toEqual([
      {
        position: expect.any(Number) as number,
        id: expect.any(String) as string,
        streamId: id,
        streamType: 'todo',
        sequence: 2,
        type: 'TodoCompleted',
        data: expect.objectContaining({ todoId: id }) as Record<string, unknown>,
        metadata: expect.objectContaining({ command: 'CompleteTodo' }) as Record<string, unknown>,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      },
    ]);
  });

  it('filters by event type and stream type', async () => {
    const id = await createTodo(`Filter ${randomUUID()}`);
    await request(http).post(`/todos/${id}/complete`).expect(200);
    const items = await follow(
      await positionOf(id),
      (seen) => seen.some((item) => item.streamId === id),
      '&types=TodoCompleted&streamTypes=todo',
    );
    expect(items.every((item) => item.type === 'TodoCompleted')).toBe(true);
    expect(items.some((item) => item.streamId === id)).toBe(true);
    const none = await request(http)
      .get(`/events?after=${await positionOf(id)}&streamTypes=project`)
      .expect(200);
    expect((none.body as Page).items).toEqual([]);
  });

  it('refuses bad parameters and positions that name no event', async () => {
    for (const query of [
      'after=-1',
      'after=abc',
      'limit=0',
      'limit=1001',
      'wait=0',
      'wait=31',
      'types=a%20b',
      'types=A&types=B',
    ]) {
      const response = await request(http).get(`/events?${query}`).expect(400);
      expect((response.body as { type: string }).type).toBe(
        'urn:todo-service:problem:validation-error',
      );
    }
    const unknown = await request(http).get('/events?after=9007199254740991').expect(400);
    expect(unknown.body).toMatchObject({
      type: 'urn:todo-service:problem:event-position-unknown',
      code: 'EVENT_POSITION_UNKNOWN',
    });
  });

  it('long-polls: an empty page waits for the next event', async () => {
    const id = await createTodo(`Wait ${randomUUID()}`);
    const start = await positionOf(id);
    // Drain whatever parallel suites wrote, so the next read has to wait.
    let cursor = start;
    for (;;) {
      const page = (await request(http).get(`/events?after=${cursor}&limit=1000`).expect(200))
        .body as Page;
      if (page.items.length === 0) break;
      cursor = page.nextAfter;
    }
    const waiting = request(http).get(`/events?after=${cursor}&wait=20&types=TodoCompleted`);
    const pending = waiting.then((response) => response);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await request(http).post(`/todos/${id}/complete`).expect(200);
    const response = await pending;
    expect(response.status).toBe(200);
    const items = (response.body as Page).items;
    expect(items.length).toBeGreaterThan(0);
  });

  describe('with a transaction that holds a lower position while later ones commit', () => {
    let held: Client;

    beforeEach(async () => {
      held = new Client({ connectionString: testDatabaseUrl() });
      await held.connect();
    });

    afterEach(async () => {
      await held.query('ROLLBACK').catch(() => undefined);
      await held.end();
    });

    it('never skips the held event and never shows a later event of its stream first', async () => {
      const anchor = await createTodo(`Anchor ${randomUUID()}`);
      const start = await positionOf(anchor);
      const slow = randomUUID();

      await held.query('BEGIN');
      const { rows } = await held.query<{ global_position: string }>(
        `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload, metadata)
         VALUES ('default', $1, 1, 'todo', 'TodoCreated', $2, '{}') RETURNING global_position`,
        [slow, { todoId: slow, title: 'held', createdAt: new Date().toISOString() }],
      );
      const heldPosition = Number(rows[0]?.global_position);

      // Later transactions commit while the held one is open: other streams, several events.
      const fast: string[] = [];
      for (let index = 0; index < 5; index++) {
        const id = await createTodo(`Fast ${index} ${randomUUID()}`);
        await request(http).post(`/todos/${id}/complete`).expect(200);
        fast.push(id);
      }
      const fastPositions = await Promise.all(fast.map((id) => positionOf(id)));
      expect(Math.min(...fastPositions)).toBeGreaterThan(heldPosition);

      // While it is open, the feed serves none of the later commits (nor the held event).
      const during = (
        await request(http).get(`/events?after=${start}&limit=1000&wait=1`).expect(200)
      ).body as Page;
      const ours = new Set([slow, ...fast]);
      expect(during.items.filter((item) => ours.has(item.streamId))).toEqual([]);

      // The held transaction appends a second event to its stream, then commits.
      await held.query(
        `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload, metadata)
         VALUES ('default', $1, 2, 'todo', 'TodoCompleted', $2, '{}')`,
        [slow, { todoId: slow, completedAt: new Date().toISOString() }],
      );
      await held.query('COMMIT');

      const seen = await follow(during.nextAfter, (items) => {
        const got = new Set(items.filter((i) => ours.has(i.streamId)).map((i) => i.id));
        return got.size === 2 + fast.length * 2;
      });
      const mine = seen.filter((item) => ours.has(item.streamId));
      expect(mine).toHaveLength(2 + fast.length * 2);
      // The held transaction is older than every later one: its events come first, in order.
      expect(mine.slice(0, 2).map((item) => [item.streamId, item.sequence])).toEqual([
        [slow, 1],
        [slow, 2],
      ]);
      for (const id of ours) {
        expect(mine.filter((item) => item.streamId === id).map((item) => item.sequence)).toEqual([
          1, 2,
        ]);
      }
    });
  });

  it('a follower racing 20 writers that commit out of position order sees every event once', async () => {
    const anchor = await createTodo(`Race ${randomUUID()}`);
    const start = await positionOf(anchor);
    const clients = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const client = new Client({ connectionString: testDatabaseUrl() });
        await client.connect();
        return client;
      }),
    );
    const streams: string[] = clients.map(() => randomUUID());
    try {
      // Every writer takes its position first, then they commit in reverse order, with a
      // follower reading all along.
      for (const [index, client] of clients.entries()) {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload, metadata)
           VALUES ('default', $1, 1, 'race', 'RaceRun', '{}', '{}')`,
          [streams[index]],
        );
      }
      const wanted = new Set(streams);
      const following = follow(
        start,
        (items) => items.filter((item) => wanted.has(item.streamId)).length >= streams.length,
        '&streamTypes=race',
      );
      for (const client of [...clients].reverse()) {
        await client.query('COMMIT');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const seen = (await following).filter((item) => wanted.has(item.streamId));
      expect(seen.map((item) => item.streamId).sort()).toEqual([...streams].sort());
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });
});
