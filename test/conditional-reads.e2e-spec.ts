import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Database } from '../src/database/database';
import type { Statement } from '../src/database/database';
import { startTestApp } from './support/app';
import { createScratchDatabase } from './support/database';

type TodoBody = { id: string; title: string; version: number };
type PageBody = { items: TodoBody[]; nextCursor: string | null };

// A database of its own: a page of the list then changes only when this suite changes it.
describe('Conditional reads: If-None-Match and 304 (e2e)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;

  beforeAll(async () => {
    scratch = await createScratchDatabase('conditional_reads');
    app = await startTestApp({
      database: { url: scratch.url, poolSize: 4, connectionTimeoutMs: 10_000, migrate: true },
    });
    http = app.getHttpServer();
  });

  afterAll(async () => {
    await app?.close();
    await scratch?.drop();
  });

  const create = async (title: string): Promise<TodoBody> =>
    (await request(http).post('/todos').send({ title }).expect(201)).body as TodoBody;

  /** The names (or texts) of the statements the app's pool runs during `work`. */
  const statementsDuring = async (work: () => Promise<unknown>): Promise<string[]> => {
    const database = app.get(Database);
    const spy = jest.spyOn(database, 'query');
    try {
      await work();
      return spy.mock.calls.map(([statement]: [Statement, ...unknown[]]) =>
        typeof statement === 'string' ? statement : statement.name,
      );
    } finally {
      spy.mockRestore();
    }
  };

  describe('GET /todos/:id', () => {
    it('answers 304 with the ETag and no body to a matching tag, reading only the version', async () => {
      const todo = await create('cached');
      const first = await request(http).get(`/todos/${todo.id}`).expect(200).expect('ETag', '"1"');

      let response: request.Response | undefined;
      const statements = await statementsDuring(async () => {
        response = await request(http).get(`/todos/${todo.id}`).set('If-None-Match', '"1"');
      });
      expect(response?.status).toBe(304);
      expect(response?.headers.etag).toBe('"1"');
      expect(response?.text).toBe('');
      expect(statements).toEqual(['todo_find_version']);
      expect(first.body).toMatchObject({ id: todo.id, version: 1 });
    });

    it.each([['W/"1"'], ['*'], ['"7", "1"'], ['"7",W/"1"']])(
      'compares weakly and takes lists: %s matches version 1',
      async (tags) => {
        const todo = await create('weak');
        await request(http).get(`/todos/${todo.id}`).set('If-None-Match', tags).expect(304);
      },
    );

    it('answers 200 with the new state once the todo changed', async () => {
      const todo = await create('before');
      await request(http).patch(`/todos/${todo.id}`).send({ title: 'after' }).expect(200);
      const response = await request(http)
        .get(`/todos/${todo.id}`)
        .set('If-None-Match', '"1"')
        .expect(200)
        .expect('ETag', '"2"');
      expect(response.body).toMatchObject({ title: 'after', version: 2 });
    });

    it('ignores a malformed If-None-Match and sends the todo', async () => {
      const todo = await create('malformed');
      for (const value of ['1', '"1', 'W/1', ',', `"${'1'.repeat(2000)}"`]) {
        const response = await request(http)
          .get(`/todos/${todo.id}`)
          .set('If-None-Match', value)
          .expect(200);
        expect(response.body).toMatchObject({ id: todo.id, version: 1 });
      }
    });

    it('answers a past version conditionally once it is read from the log', async () => {
      const todo = await create('history');
      await request(http).patch(`/todos/${todo.id}`).send({ title: 'history 2' }).expect(200);
      await request(http)
        .get(`/todos/${todo.id}?version=1`)
        .set('If-None-Match', '"1"')
        .expect(304)
        .expect('ETag', '"1"');
      await request(http)
        .get(`/todos/${todo.id}?version=1`)
        .set('If-None-Match', '"2"')
        .expect(200)
        .expect('ETag', '"1"');
      // The current version must not stand in for a version the todo never reached.
      await request(http)
        .get(`/todos/${todo.id}?version=3`)
        .set('If-None-Match', '"2"')
        .expect(404);
    });

    it('still answers 404 and 410 to a conditional read', async () => {
      await request(http)
        .get('/todos/5f0b9a8e-7d3c-4b8a-9e1f-2a3b4c5d6e7f')
        .set('If-None-Match', '*')
        .expect(404);
      const todo = await create('deleted');
      await request(http).delete(`/todos/${todo.id}`).expect(204);
      await request(http).get(`/todos/${todo.id}`).set('If-None-Match', '*').expect(410);
      await request(http).get(`/todos/${todo.id}`).set('If-None-Match', '"1"').expect(410);
    });
  });

  describe('GET /todos', () => {
    it('carries a weak ETag and answers 304 while the page is unchanged', async () => {
      const todo = await create('listed');
      const page = await request(http).get('/todos?limit=5').expect(200);
      const etag = page.headers.etag as string;
      expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
      expect((page.body as PageBody).items[0]?.id).toBe(todo.id);

      const again = await request(http).get('/todos?limit=5').set('If-None-Match', etag);
      expect(again.status).toBe(304);
      expect(again.headers.etag).toBe(etag);
      expect(again.text).toBe('');
      // Strong comparison is not asked for: the tag matches without W/ too.
      await request(http).get('/todos?limit=5').set('If-None-Match', etag.slice(2)).expect(304);
    });

    it('changes the ETag when an item on the page changes, or another todo joins it', async () => {
      const todo = await create('to change');
      const etag = (await request(http).get('/todos?limit=5').expect(200)).headers.etag as string;

      await request(http).patch(`/todos/${todo.id}`).send({ title: 'changed' }).expect(200);
      const renamed = await request(http)
        .get('/todos?limit=5')
        .set('If-None-Match', etag)
        .expect(200);
      expect(renamed.headers.etag).not.toBe(etag);

      await create('newer');
      const grown = await request(http)
        .get('/todos?limit=5')
        .set('If-None-Match', renamed.headers.etag as string)
        .expect(200);
      expect(grown.headers.etag).not.toBe(renamed.headers.etag);
    });

    it('tags each page and filter on its own', async () => {
      await create('one');
      await create('two');
      const first = await request(http).get('/todos?limit=1').expect(200);
      const cursor = (first.body as PageBody).nextCursor;
      expect(cursor).not.toBeNull();
      const second = await request(http)
        .get(`/todos?limit=1&cursor=${encodeURIComponent(cursor ?? '')}`)
        .expect(200);
      expect(second.headers.etag).not.toBe(first.headers.etag);
      await request(http)
        .get(`/todos?limit=1&cursor=${encodeURIComponent(cursor ?? '')}`)
        .set('If-None-Match', second.headers.etag as string)
        .expect(304);
    });
  });
});
