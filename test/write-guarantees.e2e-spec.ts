import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { IdempotencyKeyCleanup } from '../src/event-store';
import { startTestApp } from './support/app';
import { databaseOf, testDatabaseUrl } from './support/database';
import { expectProblem } from './support/problem';
import type { TestDatabase } from './support/database';

type TodoBody = { id: string; title: string; completed: boolean; version: number };
type ListBody = { items: TodoBody[]; nextCursor: string | null };
type HistoryBody = {
  items: {
    sequence: number;
    type: string;
    payload: Record<string, unknown>;
    metadata: Record<string, unknown>;
    recordedAt: string;
  }[];
  nextAfter: number | null;
};

describe('Write-side guarantees over HTTP (e2e)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;
  let database: TestDatabase;

  beforeAll(async () => {
    app = await startTestApp();
    await app.listen(0, '127.0.0.1');
    http = app.getHttpServer();
    database = databaseOf(app);
  });

  afterAll(() => app.close());

  const create = async (title = `todo ${randomUUID()}`): Promise<TodoBody> =>
    (await request(http).post('/todos').send({ title }).expect(201)).body as TodoBody;

  const eventCount = async (id: string): Promise<number> => {
    const rows = await database.rows<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE aggregate_id = $1',
      [id],
    );
    return rows[0]?.n ?? -1;
  };

  const createdWithTitle = async (title: string): Promise<string[]> => {
    const rows = await database.rows<{ id: string }>(
      `SELECT aggregate_id AS id FROM events WHERE event_type = 'TodoCreated' AND payload->>'title' = $1`,
      [title],
    );
    return rows.map((row) => row.id);
  };

  describe('ETag and If-Match (RFC 9110)', () => {
    it('sends a strong ETag with the version on reads and writes', async () => {
      const created = await request(http).post('/todos').send({ title: 'etag' }).expect(201);
      expect(created.headers.etag).toBe('"1"');
      const id = (created.body as TodoBody).id;
      expect((await request(http).get(`/todos/${id}`).expect(200)).headers.etag).toBe('"1"');
      const renamed = await request(http).patch(`/todos/${id}`).send({ title: 'etag 2' });
      expect(renamed.headers.etag).toBe('"2"');
      const completed = await request(http).post(`/todos/${id}/complete`).expect(200);
      expect(completed.headers.etag).toBe('"3"');
    });

    it('writes when If-Match names the current version, and refuses a stale one with 412', async () => {
      const todo = await create();
      const renamed = await request(http)
        .patch(`/todos/${todo.id}`)
        .set('If-Match', '"1"')
        .send({ title: 'first' })
        .expect(200);
      expect(renamed.headers.etag).toBe('"2"');

      const stale = await request(http)
        .patch(`/todos/${todo.id}`)
        .set('If-Match', '"1"')
        .send({ title: 'second' });
      const problem = expectProblem(stale, 412, 'precondition-failed');
      expect(problem).toMatchObject({ currentVersion: 2, expectedVersions: [1] });
      expect(stale.headers.etag).toBe('"2"');

      expectProblem(
        await request(http).post(`/todos/${todo.id}/complete`).set('If-Match', '"1"'),
        412,
        'precondition-failed',
      );
      expect(await eventCount(todo.id)).toBe(2);
      const read = (await request(http).get(`/todos/${todo.id}`)).body as TodoBody;
      expect(read).toMatchObject({ title: 'first', completed: false, version: 2 });
    });

    it.each([
      ['a list that contains the version', '"7", "1"', 200],
      ['*', '*', 200],
      ['a weak tag (strong comparison never matches it)', 'W/"1"', 412],
      ['a tag this service never issues', '"abc"', 412],
    ])('If-Match with %s', async (_case, ifMatch, status) => {
      const todo = await create();
      const response = await request(http)
        .post(`/todos/${todo.id}/complete`)
        .set('If-Match', ifMatch);
      expect(response.status).toBe(status);
      expect(await eventCount(todo.id)).toBe(status === 200 ? 2 : 1);
    });

    it.each(['1', '"1', 'W/1', ',', '"1" "2"', '"a b"'])(
      '400 for the malformed If-Match %j, writing nothing',
      async (ifMatch) => {
        const todo = await create();
        const problem = expectProblem(
          await request(http)
            .patch(`/todos/${todo.id}`)
            .set('If-Match', ifMatch)
            .send({ title: 'x' }),
          400,
          'validation-error',
        );
        expect((problem.errors as { field: string }[]).map((e) => e.field)).toEqual(['If-Match']);
        expect(await eventCount(todo.id)).toBe(1);
      },
    );

    it('404 rather than 412 for an unknown todo', async () => {
      expectProblem(
        await request(http).post(`/todos/${randomUUID()}/complete`).set('If-Match', '"1"'),
        404,
        'todo-not-found',
      );
    });

    describe('with REQUIRE_IF_MATCH=true', () => {
      let strict: NestExpressApplication;
      beforeAll(async () => {
        strict = await startTestApp({ write: { requireIfMatch: true } });
      });
      afterAll(() => strict.close());

      it('refuses PATCH and complete without If-Match (428) and accepts them with it', async () => {
        const server = strict.getHttpServer();
        const todo = (await request(server).post('/todos').send({ title: 'strict' }).expect(201))
          .body as TodoBody;
        expectProblem(
          await request(server).patch(`/todos/${todo.id}`).send({ title: 'y' }),
          428,
          'precondition-required',
        );
        expectProblem(
          await request(server).post(`/todos/${todo.id}/complete`),
          428,
          'precondition-required',
        );
        expect(await eventCount(todo.id)).toBe(1);
        await request(server)
          .patch(`/todos/${todo.id}`)
          .set('If-Match', '"1"')
          .send({ title: 'y' })
          .expect(200);
      });
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the stored response to a retry with the same key and request, appending nothing', async () => {
      const key = randomUUID();
      const title = `idempotent ${key}`;
      const first = await request(http)
        .post('/todos')
        .set('Idempotency-Key', `"${key}"`)
        .send({ title })
        .expect(201);
      const retry = await request(http)
        .post('/todos')
        .set('Idempotency-Key', `"${key}"`)
        .send({ title })
        .expect(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.location).toBe(first.headers.location);
      expect(retry.headers.etag).toBe('"1"');
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(await createdWithTitle(title)).toEqual([(first.body as TodoBody).id]);
    });

    it('422 for the same key with a different request; nothing is appended', async () => {
      const key = randomUUID();
      await request(http).post('/todos').set('Idempotency-Key', key).send({ title: 'a' });
      const other = `other ${key}`;
      expectProblem(
        await request(http).post('/todos').set('Idempotency-Key', key).send({ title: other }),
        422,
        'idempotency-key-reused',
      );
      const todo = await create();
      expectProblem(
        await request(http).post(`/todos/${todo.id}/complete`).set('Idempotency-Key', key),
        422,
        'idempotency-key-reused',
      );
      expect(await createdWithTitle(other)).toEqual([]);
      expect(await eventCount(todo.id)).toBe(1);
    });

    it('replays a completion instead of reporting "already completed"', async () => {
      const todo = await create();
      const key = randomUUID();
      const first = await request(http)
        .post(`/todos/${todo.id}/complete`)
        .set('Idempotency-Key', key)
        .expect(200);
      const retry = await request(http)
        .post(`/todos/${todo.id}/complete`)
        .set('Idempotency-Key', key)
        .expect(200);
      expect(retry.body).toEqual(first.body);
      expect(await eventCount(todo.id)).toBe(2);
    });

    it('after a lost response, the retry gets the original 201 and no second event', async () => {
      const key = randomUUID();
      const title = `lost response ${key}`;
      const { port } = http.address() as AddressInfo;
      // The response is lost on its way: the client hangs up as soon as it starts to arrive,
      // without reading it. The write has committed by then.
      await new Promise<void>((resolve, reject) => {
        const body = JSON.stringify({ title });
        const lost = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/todos',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'Idempotency-Key': key,
          },
        });
        lost.on('response', (response) => {
          response.destroy();
          lost.destroy();
          resolve();
        });
        lost.on('error', reject);
        lost.end(body);
      });
      const committed = await createdWithTitle(title);
      expect(committed).toHaveLength(1);

      const retry = await request(http)
        .post('/todos')
        .set('Idempotency-Key', key)
        .send({ title })
        .expect(201);
      expect(retry.body).toMatchObject({ id: committed[0], title, version: 1 });
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(await createdWithTitle(title)).toEqual(committed);
    });

    it('409 while another request with the same key is being written, then runs once it is free', async () => {
      const key = randomUUID();
      const title = `in flight ${key}`;
      // Stand in for a twin request in the middle of its transaction: hold the key's lock (the
      // key's in its tenant, for its subject: `default` and anonymous here).
      const twin = new Client({ connectionString: testDatabaseUrl() });
      await twin.connect();
      try {
        await twin.query(
          `SELECT pg_advisory_lock(1764230500, hashtext(concat_ws(chr(31), 'default', '', $1::text)))`,
          [key],
        );
        expectProblem(
          await request(http).post('/todos').set('Idempotency-Key', key).send({ title }),
          409,
          'idempotency-key-in-flight',
        );
        expect(await createdWithTitle(title)).toEqual([]);
        await twin.query(
          `SELECT pg_advisory_unlock(1764230500, hashtext(concat_ws(chr(31), 'default', '', $1::text)))`,
          [key],
        );
      } finally {
        await twin.end();
      }
      await request(http).post('/todos').set('Idempotency-Key', key).send({ title }).expect(201);
      expect(await createdWithTitle(title)).toHaveLength(1);
    });

    it('forgets expired keys: a new request runs, and the clean-up deletes them', async () => {
      const key = randomUUID();
      const first = (
        await request(http).post('/todos').set('Idempotency-Key', key).send({ title: 'old' })
      ).body as TodoBody;
      const expire = () =>
        database.rows(
          `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`,
          [key],
        );
      await expire();
      const second = await request(http)
        .post('/todos')
        .set('Idempotency-Key', key)
        .send({ title: 'new' })
        .expect(201);
      expect((second.body as TodoBody).id).not.toBe(first.id);
      expect(second.headers['idempotent-replayed']).toBeUndefined();

      await expire();
      expect(await app.get(IdempotencyKeyCleanup).run()).toBeGreaterThanOrEqual(1);
      const left = await database.rows<unknown>('SELECT 1 FROM idempotency_keys WHERE key = $1', [
        key,
      ]);
      expect(left).toHaveLength(0);
    });

    it.each(['', 'x'.repeat(256), 'has space', '"unterminated', 'caf\u00e9'])(
      '400 for the malformed key %j',
      async (key) => {
        const title = `bad key ${randomUUID()}`;
        const problem = expectProblem(
          await request(http).post('/todos').set('Idempotency-Key', key).send({ title }),
          400,
          'validation-error',
        );
        expect((problem.errors as { field: string }[]).map((e) => e.field)).toEqual([
          'Idempotency-Key',
        ]);
        expect(await createdWithTitle(title)).toEqual([]);
      },
    );
  });

  describe('keyset pagination', () => {
    it('walks every page while others insert: each todo that existed at the start is seen once', async () => {
      const mine = await Promise.all(Array.from({ length: 25 }, () => create()));
      const ids = async () =>
        (await database.rows<{ id: string }>('SELECT id FROM todo_read_views')).map(
          (row) => row.id,
        );
      const before = await ids();
      const seen = new Map<string, number>();
      let cursor: string | null = null;
      let pages = 0;
      for (let page = 0; page < 1000; page++) {
        pages++;
        const url: string =
          cursor === null ? '/todos?limit=10' : `/todos?limit=10&cursor=${cursor}`;
        const [response] = await Promise.all([
          request(http).get(url).expect(200),
          // Other clients keep creating todos meanwhile (newer ones sort before the cursor).
          ...(page < 10 ? [create(), create()] : []),
        ]);
        const body = response.body as ListBody;
        for (const item of body.items) seen.set(item.id, (seen.get(item.id) ?? 0) + 1);
        if (body.nextCursor === null) {
          expect(response.headers.link).toBeUndefined();
          break;
        }
        expect(response.headers.link).toBe(
          `</todos?limit=10&cursor=${body.nextCursor}>; rel="next"`,
        );
        cursor = body.nextCursor;
      }
      expect(pages).toBeGreaterThanOrEqual(3);
      // Another suite deliberately deletes a read-model row to break its projection; only rows
      // that still exist at the end can be expected.
      const still = new Set(await ids());
      const existing = before.filter((id) => still.has(id));
      expect(existing.length).toBeGreaterThanOrEqual(mine.length);
      for (const todo of mine) expect(seen.get(todo.id)).toBe(1);
      for (const id of existing) expect(seen.get(id)).toBe(1);
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
    });

    it('keeps the filter in the next link and returns only matching todos', async () => {
      const done = await create();
      await request(http).post(`/todos/${done.id}/complete`).expect(200);
      const response = await request(http).get('/todos?completed=true&limit=1').expect(200);
      const body = response.body as ListBody;
      expect(body.items.every((item) => item.completed)).toBe(true);
      expect(response.headers.link).toBe(
        `</todos?completed=true&limit=1&cursor=${body.nextCursor}>; rel="next"`,
      );
      const next = (
        await request(http).get(`/todos?completed=true&limit=1&cursor=${body.nextCursor}`)
      ).body as ListBody;
      expect(next.items.every((item) => item.completed)).toBe(true);
      expect(next.items[0]?.id).not.toBe(body.items[0]?.id);
    });

    it('400 invalid-cursor for a tampered, forged or malformed cursor', async () => {
      await create();
      await create();
      const { nextCursor } = (await request(http).get('/todos?limit=1').expect(200))
        .body as ListBody;
      const [payload = '', signature = ''] = (nextCursor ?? '').split('.');
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as string[];
      const forged = Buffer.from(JSON.stringify([decoded[0], randomUUID()])).toString('base64url');
      for (const cursor of [
        `${forged}.${signature}`,
        `${payload}.${signature.slice(0, -2)}AA`,
        'not-a-cursor',
        `${payload}.`,
        `${payload}.${signature}.x`,
      ]) {
        const problem = expectProblem(
          await request(http).get(`/todos?cursor=${encodeURIComponent(cursor)}`),
          400,
          'invalid-cursor',
        );
        expect(problem.code).toBe('INVALID_CURSOR');
      }
    });
  });

  describe('history and time travel', () => {
    it('lists the events with metadata, a page at a time', async () => {
      const todo = await create('v1');
      await request(http)
        .patch(`/todos/${todo.id}`)
        .set('X-Request-Id', 'client-req-7')
        .send({ title: 'v2' })
        .expect(200);
      await request(http).post(`/todos/${todo.id}/complete`).expect(200);

      const all = (await request(http).get(`/todos/${todo.id}/events`).expect(200))
        .body as HistoryBody;
      expect(all.items.map((e) => [e.sequence, e.type])).toEqual([
        [1, 'TodoCreated'],
        [2, 'TodoTitleChanged'],
        [3, 'TodoCompleted'],
      ]);
      expect(all.nextAfter).toBeNull();
      expect(all.items[1]).toMatchObject({
        payload: { todoId: todo.id, title: 'v2' },
        metadata: { command: 'ChangeTitle', correlationId: 'client-req-7' },
      });
      for (const event of all.items) {
        expect(event.metadata.causationId).toMatch(/^[0-9a-f-]{36}$/);
        expect(typeof event.metadata.correlationId).toBe('string');
        expect(Number.isNaN(Date.parse(event.recordedAt))).toBe(false);
      }

      const first = await request(http).get(`/todos/${todo.id}/events?limit=2`).expect(200);
      expect((first.body as HistoryBody).items.map((e) => e.sequence)).toEqual([1, 2]);
      expect((first.body as HistoryBody).nextAfter).toBe(2);
      expect(first.headers.link).toBe(`</todos/${todo.id}/events?after=2&limit=2>; rel="next"`);
      const second = (await request(http).get(`/todos/${todo.id}/events?after=2&limit=2`))
        .body as HistoryBody;
      expect(second).toEqual({ items: [all.items[2]], nextAfter: null });
    });

    it('records the generated request id as the correlation id and echoes it', async () => {
      const response = await request(http).post('/todos').send({ title: 'corr' }).expect(201);
      const id = (response.body as TodoBody).id;
      const history = (await request(http).get(`/todos/${id}/events`)).body as HistoryBody;
      expect(history.items[0]?.metadata).toMatchObject({
        command: 'CreateTodo',
        correlationId: response.headers['x-request-id'],
      });
    });

    it('shows the state at an earlier version, with its ETag; 404 beyond the stream', async () => {
      const todo = await create('first title');
      await request(http).patch(`/todos/${todo.id}`).send({ title: 'second title' });
      await request(http).post(`/todos/${todo.id}/complete`);

      const v1 = await request(http).get(`/todos/${todo.id}?version=1`).expect(200);
      expect(v1.body).toMatchObject({ title: 'first title', completed: false, version: 1 });
      expect(v1.headers.etag).toBe('"1"');
      const v2 = await request(http).get(`/todos/${todo.id}?version=2`).expect(200);
      expect(v2.body).toMatchObject({ title: 'second title', completed: false, version: 2 });
      const v3 = await request(http).get(`/todos/${todo.id}?version=3`).expect(200);
      expect(v3.body).toEqual((await request(http).get(`/todos/${todo.id}`)).body);

      const beyond = expectProblem(
        await request(http).get(`/todos/${todo.id}?version=4`),
        404,
        'todo-version-not-found',
      );
      expect(beyond).toMatchObject({ version: 4, currentVersion: 3 });
      expectProblem(
        await request(http).get(`/todos/${randomUUID()}?version=1`),
        404,
        'todo-not-found',
      );
    });

    it.each([
      ['/todos/ID?version=0', 'version'],
      ['/todos/ID?version=abc', 'version'],
      ['/todos/ID/events?limit=0', 'limit'],
      ['/todos/ID/events?limit=101', 'limit'],
      ['/todos/ID/events?after=-1', 'after'],
    ])('400 for %s', async (path, field) => {
      const todo = await create();
      const problem = expectProblem(
        await request(http).get(path.replace('ID', todo.id)),
        400,
        'validation-error',
      );
      expect((problem.errors as { field: string }[]).map((e) => e.field)).toEqual([field]);
    });

    it('404 for the history of an unknown todo', async () => {
      expectProblem(
        await request(http).get(`/todos/${randomUUID()}/events`),
        404,
        'todo-not-found',
      );
    });
  });

  describe('OpenAPI', () => {
    type Operation = {
      parameters?: { name: string; in: string }[];
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };

    it('documents ETag, If-Match, Idempotency-Key, X-Request-Id and Link', async () => {
      const doc = (await request(http).get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, Operation>>;
      };
      const op = (path: string, method: string): Operation => {
        const operation = doc.paths[path]?.[method];
        if (!operation) throw new Error(`${method} ${path} is not documented`);
        return operation;
      };
      const headers = (operation: Operation) =>
        (operation.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);

      expect(headers(op('/todos', 'post'))).toEqual(
        expect.arrayContaining(['Idempotency-Key', 'X-Request-Id']),
      );
      expect(headers(op('/todos/{id}', 'patch'))).toEqual(
        expect.arrayContaining(['If-Match', 'X-Request-Id']),
      );
      expect(headers(op('/todos/{id}/complete', 'post'))).toEqual(
        expect.arrayContaining(['If-Match', 'Idempotency-Key']),
      );
      expect(Object.keys(op('/todos', 'post').responses['201']?.headers ?? {})).toEqual(
        expect.arrayContaining(['Location', 'ETag', 'X-Request-Id']),
      );
      expect(Object.keys(op('/todos/{id}', 'get').responses['200']?.headers ?? {})).toContain(
        'ETag',
      );
      expect(Object.keys(op('/todos', 'get').responses['200']?.headers ?? {})).toContain('Link');
      expect(Object.keys(op('/todos/{id}/complete', 'post').responses)).toEqual(
        expect.arrayContaining(['409', '412', '422', '428']),
      );
    });
  });
});
