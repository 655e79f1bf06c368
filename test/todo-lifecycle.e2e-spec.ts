import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { Response } from 'supertest';
import { startTestApp } from './support/app';
import { databaseOf } from './support/database';
import type { TestDatabase } from './support/database';
import { expectProblem } from './support/problem';

type TodoBody = { id: string; title: string; completed: boolean; version: number };

/** Reopening and deleting todos, idempotent replays byte for byte, contention and time travel. */
describe('Todo lifecycle over HTTP (e2e)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;
  let database: TestDatabase;

  beforeAll(async () => {
    app = await startTestApp();
    http = app.getHttpServer();
    database = databaseOf(app);
  });

  afterAll(() => app.close());

  const create = async (title = `todo ${randomUUID()}`): Promise<TodoBody> =>
    (await request(http).post('/todos').send({ title }).expect(201)).body as TodoBody;

  const eventTypes = async (id: string): Promise<string[]> =>
    (
      await database.rows<{ event_type: string }>(
        'SELECT event_type FROM events WHERE aggregate_id = $1 ORDER BY sequence',
        [id],
      )
    ).map((row) => row.event_type);

  /** The headers a client can see, without those that differ between any two responses. */
  const stableHeaders = (response: Response) => {
    const {
      date: _date,
      'x-request-id': _id,
      'idempotent-replayed': _r,
      ...rest
    } = response.headers as Record<string, string>;
    return rest;
  };

  describe('POST /todos/:id/reopen', () => {
    it('reopens a completed todo, which can then change and complete again', async () => {
      const todo = await create();
      await request(http).post(`/todos/${todo.id}/complete`).expect(200);
      const reopened = await request(http).post(`/todos/${todo.id}/reopen`).expect(200);
      expect(reopened.body).toMatchObject({ id: todo.id, completed: false, version: 3 });
      expect(reopened.headers.etag).toBe('"3"');
      await request(http).patch(`/todos/${todo.id}`).send({ title: 'again' }).expect(200);
      await request(http).post(`/todos/${todo.id}/complete`).expect(200);
      const read = (await request(http).get(`/todos/${todo.id}`).expect(200)).body as TodoBody;
      expect(read).toMatchObject({ title: 'again', completed: true, version: 5 });
      expect(await eventTypes(todo.id)).toEqual([
        'TodoCreated',
        'TodoCompleted',
        'TodoReopened',
        'TodoTitleChanged',
        'TodoCompleted',
      ]);
    });

    it('409 todo-not-completed for an open todo, 404 for an unknown one', async () => {
      const todo = await create();
      expectProblem(
        await request(http).post(`/todos/${todo.id}/reopen`),
        409,
        'todo-not-completed',
      );
      expectProblem(
        await request(http).post(`/todos/${randomUUID()}/reopen`),
        404,
        'todo-not-found',
      );
      expect(await eventTypes(todo.id)).toEqual(['TodoCreated']);
    });

    it('honours If-Match (412 with the current ETag) and replays an Idempotency-Key', async () => {
      const todo = await create();
      await request(http).post(`/todos/${todo.id}/complete`).expect(200);
      const stale = await request(http).post(`/todos/${todo.id}/reopen`).set('If-Match', '"1"');
      expectProblem(stale, 412, 'precondition-failed');
      expect(stale.headers.etag).toBe('"2"');
      const key = randomUUID();
      const first = await request(http)
        .post(`/todos/${todo.id}/reopen`)
        .set('If-Match', '"2"')
        .set('Idempotency-Key', key)
        .expect(200);
      // The retry's If-Match is stale by now: the stored answer wins, as for any retry.
      const retry = await request(http)
        .post(`/todos/${todo.id}/reopen`)
        .set('If-Match', '"2"')
        .set('Idempotency-Key', key)
        .expect(200);
      expect(retry.text).toBe(first.text);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(await eventTypes(todo.id)).toEqual(['TodoCreated', 'TodoCompleted', 'TodoReopened']);
    });
  });

  describe('DELETE /todos/:id', () => {
    it('answers 204 with the tombstone ETag; the todo is then gone (410) and out of lists', async () => {
      const todo = await create();
      const deleted = await request(http).delete(`/todos/${todo.id}`).expect(204);
      expect(deleted.text).toBe('');
      expect(deleted.headers.etag).toBe('"2"');
      const problem = expectProblem(
        await request(http).get(`/todos/${todo.id}`),
        410,
        'todo-deleted',
      );
      expect(problem).toMatchObject({ code: 'TODO_DELETED', todoId: todo.id });
      const list = (await request(http).get('/todos?limit=100').expect(200)).body as {
        items: TodoBody[];
      };
      expect(list.items.map((item) => item.id)).not.toContain(todo.id);
      expect(
        await database.rows('SELECT 1 FROM todo_read_views WHERE id = $1', [todo.id]),
      ).toHaveLength(0);
    });

    it('keeps the history readable, also through time travel before the deletion', async () => {
      const todo = await create('before deletion');
      await request(http).delete(`/todos/${todo.id}`).expect(204);
      const history = await request(http).get(`/todos/${todo.id}/events`).expect(200);
      expect((history.body as { items: { type: string }[] }).items.map((e) => e.type)).toEqual([
        'TodoCreated',
        'TodoDeleted',
      ]);
      const past = await request(http).get(`/todos/${todo.id}?version=1`).expect(200);
      expect(past.body).toMatchObject({ title: 'before deletion', version: 1 });
      expectProblem(await request(http).get(`/todos/${todo.id}?version=2`), 410, 'todo-deleted');
    });

    it('refuses every command on a deleted todo with 410, writing nothing', async () => {
      const todo = await create();
      await request(http).delete(`/todos/${todo.id}`).expect(204);
      const attempts = [
        request(http).patch(`/todos/${todo.id}`).send({ title: 'x' }),
        request(http).post(`/todos/${todo.id}/complete`),
        request(http).post(`/todos/${todo.id}/reopen`),
        request(http).delete(`/todos/${todo.id}`),
      ];
      for (const attempt of attempts) expectProblem(await attempt, 410, 'todo-deleted');
      expect(await eventTypes(todo.id)).toEqual(['TodoCreated', 'TodoDeleted']);
    });

    it('is idempotent with Idempotency-Key: a retry gets the same 204, no second tombstone', async () => {
      const todo = await create();
      const key = randomUUID();
      const first = await request(http)
        .delete(`/todos/${todo.id}`)
        .set('Idempotency-Key', key)
        .expect(204);
      const retry = await request(http)
        .delete(`/todos/${todo.id}`)
        .set('Idempotency-Key', key)
        .expect(204);
      expect(stableHeaders(retry)).toEqual(stableHeaders(first));
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(await eventTypes(todo.id)).toEqual(['TodoCreated', 'TodoDeleted']);
      expectProblem(
        await request(http).delete(`/todos/${todo.id}`).set('Idempotency-Key', randomUUID()),
        410,
        'todo-deleted',
      );
    });

    it('answers If-Match like every write, and 404 for an unknown todo', async () => {
      const todo = await create();
      await request(http).patch(`/todos/${todo.id}`).send({ title: 'moved on' }).expect(200);
      const stale = await request(http).delete(`/todos/${todo.id}`).set('If-Match', '"1"');
      expectProblem(stale, 412, 'precondition-failed');
      expect(stale.headers.etag).toBe('"2"');
      await request(http).delete(`/todos/${todo.id}`).set('If-Match', '"2"').expect(204);
      expectProblem(await request(http).delete(`/todos/${randomUUID()}`), 404, 'todo-not-found');
    });
  });

  describe('idempotent replays', () => {
    it.each([
      [
        'create',
        (id: string) =>
          request(http)
            .post('/todos')
            .send({ title: `replay ${id}` }),
      ],
      ['complete', (id: string) => request(http).post(`/todos/${id}/complete`)],
    ])(
      'a replayed %s is byte for byte the first response, plus Idempotent-Replayed',
      async (_name, send) => {
        const todo = await create();
        const key = randomUUID();
        const first = await send(todo.id).set('Idempotency-Key', key);
        expect(first.status).toBeLessThan(300);
        // Something else happens to the todo in between: the replay still shows the first result.
        if (_name === 'complete') await request(http).post(`/todos/${todo.id}/reopen`).expect(200);
        const retry = await send(todo.id).set('Idempotency-Key', key);
        expect(retry.status).toBe(first.status);
        expect(retry.text).toBe(first.text);
        expect(stableHeaders(retry)).toEqual(stableHeaders(first));
        expect(retry.headers['idempotent-replayed']).toBe('true');
      },
    );
  });

  describe('contention', () => {
    it('50 concurrent PATCHes without If-Match on one todo all succeed in one process, none lost', async () => {
      const todo = await create();
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          request(http)
            .patch(`/todos/${todo.id}`)
            .send({ title: `title ${i}` }),
        ),
      );
      const statuses = replies.map((reply) => reply.status);
      expect(statuses.filter((status) => status === 200).length).toBe(50);
      const versions = replies.map((reply) => (reply.body as TodoBody).version);
      expect(new Set(versions).size).toBe(50);
      expect(await eventTypes(todo.id)).toHaveLength(51);
    });
  });

  describe('time travel', () => {
    it('folds ?version= from snapshots, and a burst of such reads leaves writers their connections', async () => {
      const todo = await create('v1');
      for (let version = 2; version <= 250; version++) {
        await request(http)
          .patch(`/todos/${todo.id}`)
          .send({ title: `v${version}` })
          .expect(200);
      }
      const snapshots = await database.rows<{ version: string }>(
        'SELECT version FROM snapshots WHERE stream_id = $1 ORDER BY version',
        [todo.id],
      );
      expect(snapshots.map((row) => Number(row.version))).toEqual([100, 200]);

      const reads = Array.from({ length: 100 }, (_, i) =>
        request(http).get(`/todos/${todo.id}?version=${150 + i}`),
      );
      const writes = Array.from({ length: 10 }, (_, i) =>
        request(http)
          .patch(`/todos/${todo.id}`)
          .send({ title: `during ${i}` }),
      );
      const [readReplies, writeReplies] = await Promise.all([
        Promise.all(reads),
        Promise.all(writes),
      ]);
      expect(writeReplies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
      readReplies.forEach((reply, i) => {
        if (reply.status === 503) expectProblem(reply, 503, 'stream-busy');
        else expect(reply.body).toMatchObject({ version: 150 + i, title: `v${150 + i}` });
      });
      expect(readReplies.filter((reply) => reply.status === 200).length).toBeGreaterThan(90);
    });
  });
});
