import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { startTestApp } from './support/app';
import { memoryLogger } from './support/memory-log';
import { expectProblem } from './support/problem';
import { databaseOf } from './support/database';
import type { TestDatabase } from './support/database';

type TodoBody = {
  id: string;
  title: string;
  completed: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
};

describe('Todo HTTP API (e2e)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;
  let database: TestDatabase;

  beforeAll(async () => {
    app = await startTestApp();
    http = app.getHttpServer();
    database = databaseOf(app);
  });

  afterAll(() => app.close());

  const create = async (title = `todo ${randomUUID()}`): Promise<TodoBody> => {
    const response = await request(http).post('/todos').send({ title }).expect(201);
    return response.body as TodoBody;
  };

  const eventsOf = async (id: string) =>
    database.rows<{
      sequence: number;
      event_type: string;
      payload: Record<string, unknown>;
      metadata: Record<string, unknown>;
    }>(
      'SELECT sequence::int AS sequence, event_type, payload, metadata FROM events WHERE aggregate_id = $1 ORDER BY sequence',
      [id],
    );

  describe('the full flow', () => {
    it('creates, reads, renames, completes and lists a todo, recording each event', async () => {
      const created = await request(http)
        .post('/todos')
        .send({ title: '  Write the report  ' })
        .expect(201)
        .expect('Content-Type', /^application\/json/);
      const todo = created.body as TodoBody;
      expect(todo).toMatchObject({ title: 'Write the report', completed: false, version: 1 });
      expect(todo.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(created.headers.location).toBe(`/todos/${todo.id}`);

      const read = await request(http).get(`/todos/${todo.id}`).expect(200);
      expect(read.body).toEqual(todo);

      const renamed = await request(http)
        .patch(`/todos/${todo.id}`)
        .send({ title: 'Write the final report' })
        .expect(200);
      expect(renamed.body).toMatchObject({
        title: 'Write the final report',
        version: 2,
        completed: false,
      });

      const completed = await request(http).post(`/todos/${todo.id}/complete`).expect(200);
      expect(completed.body).toMatchObject({ completed: true, version: 3 });

      const after = await request(http).get(`/todos/${todo.id}`).expect(200);
      expect(after.body).toEqual(completed.body);

      const list = await request(http).get('/todos?completed=true&limit=100').expect(200);
      expect((list.body as { items: TodoBody[] }).items).toContainEqual(completed.body);

      const events = await eventsOf(todo.id);
      expect(events.map((e) => [e.sequence, e.event_type])).toEqual([
        [1, 'TodoCreated'],
        [2, 'TodoTitleChanged'],
        [3, 'TodoCompleted'],
      ]);
      expect(events[1]?.payload).toMatchObject({
        todoId: todo.id,
        title: 'Write the final report',
      });
      expect(events[2]?.metadata).toMatchObject({ command: 'CompleteTodo' });
    });

    it('treats renaming to the same title as a successful no-op', async () => {
      const todo = await create('Same title');
      const response = await request(http)
        .patch(`/todos/${todo.id}`)
        .send({ title: ' Same title ' })
        .expect(200);
      expect(response.body).toEqual(todo);
      expect(await eventsOf(todo.id)).toHaveLength(1);
    });
  });

  describe('listing', () => {
    it('returns newest first, filters by completed, and honours limit', async () => {
      const a = await create();
      const b = await create();
      const c = await create();
      await request(http).post(`/todos/${b.id}/complete`).expect(200);

      const all = (await request(http).get('/todos?limit=3').expect(200)).body as {
        items: TodoBody[];
      };
      expect(all.items.map((t) => t.id)).toEqual([c.id, b.id, a.id]);

      const open = (await request(http).get('/todos?completed=false&limit=100').expect(200))
        .body as {
        items: TodoBody[];
      };
      expect(open.items.every((t) => !t.completed)).toBe(true);
      expect(open.items.map((t) => t.id)).toEqual(expect.arrayContaining([a.id, c.id]));
      expect(open.items.map((t) => t.id)).not.toContain(b.id);

      const done = (await request(http).get('/todos?completed=true&limit=100').expect(200))
        .body as {
        items: TodoBody[];
      };
      expect(done.items.every((t) => t.completed)).toBe(true);
      expect(done.items.map((t) => t.id)).toContain(b.id);
    });

    it('defaults to 20 items and never returns more than the limit', async () => {
      await Promise.all(Array.from({ length: 21 }, () => create()));
      const page = (await request(http).get('/todos').expect(200)).body as { items: TodoBody[] };
      expect(page.items).toHaveLength(20);
      const one = (await request(http).get('/todos?limit=1').expect(200)).body as {
        items: TodoBody[];
      };
      expect(one.items).toHaveLength(1);
    });
  });

  describe('errors are problem+json', () => {
    it('404 for an unknown todo on every route', async () => {
      const id = randomUUID();
      for (const response of [
        await request(http).get(`/todos/${id}`),
        await request(http).patch(`/todos/${id}`).send({ title: 'x' }),
        await request(http).post(`/todos/${id}/complete`),
      ]) {
        const body = expectProblem(response, 404, 'todo-not-found');
        expect(body).toMatchObject({ code: 'TODO_NOT_FOUND', todoId: id });
      }
      expect(await eventsOf(id)).toHaveLength(0);
    });

    it('409 when a completed todo is renamed or completed again; nothing is appended', async () => {
      const todo = await create();
      await request(http).post(`/todos/${todo.id}/complete`).expect(200);
      expectProblem(
        await request(http).post(`/todos/${todo.id}/complete`),
        409,
        'todo-already-completed',
      );
      const body = expectProblem(
        await request(http).patch(`/todos/${todo.id}`).send({ title: 'New' }),
        409,
        'todo-already-completed',
      );
      expect(body.code).toBe('TODO_ALREADY_COMPLETED');
      expect(await eventsOf(todo.id)).toHaveLength(2);
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['too long', 'x'.repeat(201)],
      ['with a NUL', 'a\u0000b'],
      ['with a line break', 'a\nb'],
      ['with a lone surrogate', 'a\ud800b'],
    ])(
      '400 TODO_TITLE_INVALID for a title that is %s, on create and rename',
      async (_case, title) => {
        const body = expectProblem(
          await request(http).post('/todos').send({ title }),
          400,
          'todo-title-invalid',
        );
        expect(body).toMatchObject({ code: 'TODO_TITLE_INVALID', field: 'title' });
        const todo = await create();
        expectProblem(
          await request(http).patch(`/todos/${todo.id}`).send({ title }),
          400,
          'todo-title-invalid',
        );
        expect(await eventsOf(todo.id)).toHaveLength(1);
      },
    );

    it.each([
      ['a missing title', {}, ['title']],
      ['a number as title', { title: 42 }, ['title']],
      ['null as title', { title: null }, ['title']],
      ['an unknown field', { title: 'ok', done: true }, ['done']],
      ['an array body', [{ title: 'x' }], ['title']],
    ])('400 validation-error listing the fields for %s', async (_case, body, fields) => {
      const response = await request(http).post('/todos').send(body);
      const problem = expectProblem(response, 400, 'validation-error');
      const errors = problem.errors as { field: string; messages: string[] }[];
      expect(errors.map((e) => e.field)).toEqual(expect.arrayContaining(fields));
      for (const error of errors) expect(error.messages.length).toBeGreaterThan(0);
    });

    it('400 malformed-body for bad JSON', async () => {
      const response = await request(http)
        .post('/todos')
        .set('Content-Type', 'application/json')
        .send('{"title": "x"');
      expectProblem(response, 400, 'malformed-body');
    });

    it('415 for a body that is not JSON', async () => {
      const response = await request(http)
        .post('/todos')
        .set('Content-Type', 'text/plain')
        .send('title=x');
      expectProblem(response, 415, 'unsupported-media-type');
    });

    it('413 for a body over the limit', async () => {
      const response = await request(http)
        .post('/todos')
        .send({ title: 'x'.repeat(20_000) });
      expectProblem(response, 413, 'payload-too-large');
    });

    it.each(['/todos/not-a-uuid', '/todos/123', `/todos/${randomUUID()}x`])(
      '400 for a malformed id in %s',
      async (path) => {
        const problem = expectProblem(await request(http).get(path), 400, 'validation-error');
        expect(problem.errors).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
        expectProblem(await request(http).post(`${path}/complete`), 400, 'validation-error');
        expectProblem(
          await request(http).patch(path).send({ title: 'x' }),
          400,
          'validation-error',
        );
      },
    );

    it.each([
      ['limit=0', ['limit']],
      ['limit=101', ['limit']],
      ['limit=abc', ['limit']],
      ['limit=1.5', ['limit']],
      ['completed=yes', ['completed']],
      ['completed=true&completed=false', ['completed']],
      ['sort=title', ['sort']],
    ])('400 for the query %s', async (query, fields) => {
      const problem = expectProblem(
        await request(http).get(`/todos?${query}`),
        400,
        'validation-error',
      );
      expect((problem.errors as { field: string }[]).map((e) => e.field)).toEqual(fields);
    });

    it('404 problem for an unknown route', async () => {
      expectProblem(await request(http).get('/nothing-here'), 404, 'not-found');
      expectProblem(await request(http).put(`/todos/${randomUUID()}`), 404, 'not-found');
    });

    it('500 problem without internals when the projection fails, and the event is rolled back', async () => {
      // The failure is logged with its stack, as it must be: into memory, where it is checked,
      // so that a passing run prints no error.
      const log = memoryLogger('error');
      const failing = await startTestApp({ logger: log.logger });
      try {
        const todo = await create();
        // A read-model row that vanished makes the projection fail inside the append's transaction.
        await database.rows('DELETE FROM todo_read_views WHERE id = $1', [todo.id]);
        const response = await request(failing.getHttpServer())
          .patch(`/todos/${todo.id}`)
          .send({ title: 'Changed' });
        const body = expectProblem(response, 500, 'internal-error');
        expect(JSON.stringify(body)).not.toMatch(/todo_read_views|Projection|SELECT|Error/);
        expect(await eventsOf(todo.id)).toHaveLength(1);
        const logged = await log.waitFor(
          (line) => typeof line.stack === 'string' && String(line.msg).includes(todo.id),
        );
        expect(logged).toMatchObject({ level: 50, context: 'HTTP' });
        expect(logged.stack).toContain('todo_read_views');
      } finally {
        await failing.close();
      }
    });
  });

  describe('concurrency', () => {
    it('concurrent renames without an expected version: each success is one event, with no gaps', async () => {
      const todo = await create();
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          request(http)
            .patch(`/todos/${todo.id}`)
            .send({ title: `title ${i}` }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
      const ok = statuses.filter((s) => s === 200).length;
      const events = await eventsOf(todo.id);
      expect(events.map((e) => e.sequence)).toEqual(
        Array.from({ length: 1 + ok }, (_, i) => i + 1),
      );
      const last = events.at(-1)!;
      const view = (await request(http).get(`/todos/${todo.id}`).expect(200)).body as TodoBody;
      expect(view).toMatchObject({ version: last.sequence, title: last.payload.title });
    });

    it('concurrent completes: exactly one succeeds, the rest are 409', async () => {
      const todo = await create();
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => request(http).post(`/todos/${todo.id}/complete`)),
      );
      expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
      for (const response of responses.filter((r) => r.status !== 200)) {
        expectProblem(response, 409, 'todo-already-completed');
      }
      expect(await eventsOf(todo.id)).toHaveLength(2);
    });
  });

  describe('request ids', () => {
    it('echoes a sane X-Request-Id and replaces anything else with a new UUID', async () => {
      const kept = await request(http).get('/todos?limit=1').set('X-Request-Id', 'client-42.a');
      expect(kept.headers['x-request-id']).toBe('client-42.a');
      const replaced = await request(http).get('/todos?limit=1').set('X-Request-Id', 'has space');
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const generated = await request(http).get('/nowhere');
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('OpenAPI', () => {
    it('serves Swagger UI at /docs', async () => {
      const response = await request(http).get('/docs').expect(200);
      expect(response.text).toContain('swagger-ui');
    });

    it('documents every route with request/response schemas and problem+json errors', async () => {
      const doc = (await request(http).get('/docs-json').expect(200)).body as {
        paths: Record<
          string,
          Record<
            string,
            {
              responses: Record<string, { content?: Record<string, unknown> }>;
              requestBody?: unknown;
            }
          >
        >;
        components: { schemas: Record<string, unknown> };
      };
      // Rate limiting and authentication are off here: no 429, no 401 (see api-document.e2e-spec).
      const body = ['413', '415'];
      const expected: [string, string, string[]][] = [
        ['/todos', 'post', ['201', '400', '409', '422', ...body, '500', '503']],
        ['/todos', 'get', ['200', '304', '400', '500', '503']],
        ['/todos/{id}', 'get', ['200', '304', '400', '404', '410', '500', '503']],
        ['/todos/{id}/events', 'get', ['200', '400', '404', '500', '503']],
        [
          '/todos/{id}',
          'patch',
          ['200', '400', '404', '409', '410', '412', '428', ...body, '500', '503'],
        ],
        [
          '/todos/{id}/complete',
          'post',
          ['200', '400', '404', '409', '410', '412', '422', '428', ...body, '500', '503'],
        ],
        [
          '/todos/{id}/reopen',
          'post',
          ['200', '400', '404', '409', '410', '412', '422', '428', ...body, '500', '503'],
        ],
        [
          '/todos/{id}',
          'delete',
          ['204', '400', '404', '409', '410', '412', '422', '428', '500', '503'],
        ],
      ];
      for (const [path, method, statuses] of expected) {
        const operation = doc.paths[path]?.[method];
        expect(operation).toBeDefined();
        expect(Object.keys(operation!.responses).sort()).toEqual(statuses.sort());
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          expect(operation!.responses[status]?.content).toHaveProperty([
            'application/problem+json',
          ]);
        }
      }
      expect(doc.paths['/todos']?.post?.requestBody).toBeDefined();
      expect(doc.paths['/todos/{id}']?.patch?.requestBody).toBeDefined();
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining(['TodoTitle', 'TodoResponse', 'TodoListResponse', 'ProblemDetails']),
      );
    });
  });
});
