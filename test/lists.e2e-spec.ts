import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { startTestApp } from './support/app';
import { testDatabaseUrl } from './support/database';
import { Client } from 'pg';
import { waitFor } from './support/wait-for';

type ListTodo = { id: string; title: string; completed: boolean };
type ListBody = {
  id: string;
  name: string;
  archived: boolean;
  version: number;
  todos: ListTodo[];
  counts: { total: number; completed: number };
};

const TYPE = 'urn:todo-service:problem:';

jest.setTimeout(90_000);

describe('Todo lists over HTTP (e2e)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;
  let db: Client;

  beforeAll(async () => {
    app = await startTestApp();
    http = app.getHttpServer();
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    await app.close();
  });

  const createTodo = async (title: string): Promise<string> =>
    ((await request(http).post('/todos').send({ title }).expect(201)).body as { id: string }).id;

  const createList = async (name = `List ${randomUUID()}`): Promise<ListBody> =>
    (await request(http).post('/lists').send({ name }).expect(201)).body as ListBody;

  const getList = async (id: string): Promise<ListBody> =>
    (await request(http).get(`/lists/${id}`).expect(200)).body as ListBody;

  const add = (listId: string, todoId: string) =>
    request(http).post(`/lists/${listId}/todos`).send({ todoId });

  it('creates a list: 201 with Location and ETag, and reads it back at once', async () => {
    const response = await request(http)
      .post('/lists')
      .send({ name: '  Groceries ' })
      .expect(201)
      .expect('ETag', '"1"');
    const list = response.body as ListBody;
    expect(response.headers.location).toBe(`/lists/${list.id}`);
    expect(list).toMatchObject({
      name: 'Groceries',
      archived: false,
      version: 1,
      todos: [],
      counts: { total: 0, completed: 0 },
    });
    const read = await request(http).get(`/lists/${list.id}`).expect(200).expect('ETag', '"1"');
    expect(read.body).toEqual(list);
  });

  it('adds todos in order, each once; the list shows them at once (read-your-writes)', async () => {
    const list = await createList();
    const a = await createTodo('first');
    const b = await createTodo('second');
    await add(list.id, a).expect(200).expect('ETag', '"2"');
    const added = await add(list.id, b).expect(200).expect('ETag', '"3"');
    expect((added.body as ListBody).todos).toEqual([
      { id: a, title: 'first', completed: false },
      { id: b, title: 'second', completed: false },
    ]);
    // Adding it again is a no-op that still answers 200 with the list.
    const again = await add(list.id, a.toUpperCase()).expect(200).expect('ETag', '"3"');
    expect((again.body as ListBody).todos.map((todo) => todo.id)).toEqual([a, b]);
    expect((await getList(list.id)).counts).toEqual({ total: 2, completed: 0 });

    await request(http).delete(`/lists/${list.id}/todos/${a}`).expect(200).expect('ETag', '"4"');
    expect((await getList(list.id)).todos.map((todo) => todo.id)).toEqual([b]);
    // Added again, it goes to the end.
    await add(list.id, a).expect(200);
    expect((await getList(list.id)).todos.map((todo) => todo.id)).toEqual([b, a]);
  });

  it("shows each todo's current title and completed flag; a deleted todo leaves the view", async () => {
    const list = await createList();
    const a = await createTodo('Milk');
    const b = await createTodo('Bread');
    await add(list.id, a).expect(200);
    await add(list.id, b).expect(200);
    await request(http).patch(`/todos/${a}`).send({ title: 'Oat milk' }).expect(200);
    await request(http).post(`/todos/${a}/complete`).expect(200);
    await request(http).delete(`/todos/${b}`).expect(204);

    const seen = await waitFor('the todo changes in the list view', async () => {
      const body = await getList(list.id);
      return body.todos.length === 1 && body.todos[0]?.completed ? body : undefined;
    });
    expect(seen.todos).toEqual([{ id: a, title: 'Oat milk', completed: true }]);
    expect(seen.counts).toEqual({ total: 1, completed: 1 });
    // Todo changes do not move the list's version.
    expect(seen.version).toBe(3);

    await request(http).post(`/todos/${a}/reopen`).expect(200);
    await waitFor('the reopened todo', async () => {
      const body = await getList(list.id);
      return body.todos[0]?.completed === false ? body : undefined;
    });
  });

  it('a todo is shown in every list that holds it', async () => {
    const [one, two] = [await createList(), await createList()];
    const todo = await createTodo('Shared');
    await add(one.id, todo).expect(200);
    await add(two.id, todo).expect(200);
    await request(http).patch(`/todos/${todo}`).send({ title: 'Shared, renamed' }).expect(200);
    for (const list of [one, two]) {
      await waitFor('the rename in both lists', async () =>
        (await getList(list.id)).todos[0]?.title === 'Shared, renamed' ? true : undefined,
      );
    }
  });

  it('refuses a todo that does not exist or was deleted: 404 todo-not-found', async () => {
    const list = await createList();
    const missing = await add(list.id, randomUUID()).expect(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.body).toMatchObject({ type: `${TYPE}todo-not-found`, code: 'TODO_NOT_FOUND' });
    const deleted = await createTodo('gone');
    await request(http).delete(`/todos/${deleted}`).expect(204);
    const response = await add(list.id, deleted).expect(404);
    expect(response.body).toMatchObject({ type: `${TYPE}todo-not-found`, todoId: deleted });
    expect((await getList(list.id)).version).toBe(1);
  });

  it('answers problems with stable types: bad names, unknown lists, bad ids', async () => {
    for (const name of ['', ' \u200b ', 'x'.repeat(101), 'a\u202eb']) {
      const response = await request(http).post('/lists').send({ name }).expect(400);
      expect(response.body).toMatchObject({ type: `${TYPE}list-name-invalid`, field: 'name' });
    }
    await request(http)
      .post('/lists')
      .send({ name: 'x'.repeat(100) })
      .expect(201);
    await request(http).post('/lists').send({ name: 42 }).expect(400);
    await request(http).post('/lists').send({ name: 'a', extra: 1 }).expect(400);
    const unknown = randomUUID();
    for (const call of [
      request(http).get(`/lists/${unknown}`),
      request(http).patch(`/lists/${unknown}`).send({ name: 'x' }),
      request(http).post(`/lists/${unknown}/archive`).send({}),
      request(http).delete(`/lists/${unknown}/todos/${randomUUID()}`),
    ]) {
      const response = await call.expect(404);
      expect(response.body).toMatchObject({ type: `${TYPE}list-not-found` });
    }
    await request(http).get('/lists/not-a-uuid').expect(400);
    await request(http).post(`/lists/${unknown}/todos`).send({ todoId: 'nope' }).expect(400);
    await request(http).get('/lists?archived=yes').expect(400);
  });

  it('ETag / If-Match: a stale version is 412 and writes nothing', async () => {
    const list = await createList('Before');
    await request(http)
      .patch(`/lists/${list.id}`)
      .set('If-Match', '"1"')
      .send({ name: 'After' })
      .expect(200)
      .expect('ETag', '"2"');
    const stale = await request(http)
      .patch(`/lists/${list.id}`)
      .set('If-Match', '"1"')
      .send({ name: 'Again' })
      .expect(412)
      .expect('ETag', '"2"');
    expect(stale.body).toMatchObject({ type: `${TYPE}precondition-failed`, currentVersion: 2 });
    expect((await getList(list.id)).name).toBe('After');
  });

  it('Idempotency-Key on every POST: a retry replays the first answer', async () => {
    const key = randomUUID();
    const first = await request(http)
      .post('/lists')
      .set('Idempotency-Key', key)
      .send({ name: 'Once' })
      .expect(201);
    const retry = await request(http)
      .post('/lists')
      .set('Idempotency-Key', key)
      .send({ name: 'Once' })
      .expect(201)
      .expect('Idempotent-Replayed', 'true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    await request(http)
      .post('/lists')
      .set('Idempotency-Key', key)
      .send({ name: 'Twice' })
      .expect(422);

    const list = first.body as ListBody;
    const todo = await createTodo('keyed');
    const addKey = randomUUID();
    await add(list.id, todo).set('Idempotency-Key', addKey).expect(200).expect('ETag', '"2"');
    await request(http).delete(`/lists/${list.id}/todos/${todo}`).expect(200);
    const replay = await add(list.id, todo)
      .set('Idempotency-Key', addKey)
      .expect(200)
      .expect('ETag', '"2"')
      .expect('Idempotent-Replayed', 'true');
    expect((replay.body as ListBody).todos.map((item) => item.id)).toEqual([todo]);
    // The replay wrote nothing: the todo is still out of the list.
    expect((await getList(list.id)).todos).toEqual([]);
  });

  it('an archived list takes no change (409 list-archived)', async () => {
    const list = await createList();
    const todo = await createTodo('open');
    await add(list.id, todo).expect(200);
    const archived = await request(http).post(`/lists/${list.id}/archive`).expect(200);
    expect(archived.body).toMatchObject({ archived: true, version: 3 });
    for (const call of [
      request(http).patch(`/lists/${list.id}`).send({ name: 'x' }),
      add(list.id, todo),
      request(http).delete(`/lists/${list.id}/todos/${todo}`),
      request(http).post(`/lists/${list.id}/archive`).send({ completeOpenTodos: true }),
    ]) {
      const response = await call.expect(409);
      expect(response.body).toMatchObject({ type: `${TYPE}list-archived`, listId: list.id });
    }
  });

  it('archiving with completeOpenTodos completes every open todo once, skipping completed and deleted ones', async () => {
    const list = await createList();
    const todos = [];
    for (let i = 0; i < 5; i++) todos.push(await createTodo(`todo ${i}`));
    for (const todo of todos) await add(list.id, todo).expect(200);
    await request(http).post(`/todos/${todos[0]}/complete`).expect(200);
    await request(http).delete(`/todos/${todos[1]}`).expect(204);
    await request(http)
      .post(`/lists/${list.id}/archive`)
      .send({ completeOpenTodos: true })
      .expect(200);

    const view = await waitFor('every shown todo completed', async () => {
      const body = await getList(list.id);
      return body.counts.total === 4 && body.counts.completed === 4 ? body : undefined;
    });
    expect(view.todos.map((todo) => todo.id)).toEqual([todos[0], ...todos.slice(2)]);
    const { rows } = await db.query<{ id: string; completions: number }>(
      `SELECT aggregate_id::text AS id, count(*)::int AS completions FROM events
       WHERE aggregate_id = ANY($1::uuid[]) AND event_type = 'TodoCompleted'
       GROUP BY aggregate_id`,
      [todos],
    );
    expect(rows.map((row) => row.completions)).toEqual([1, 1, 1, 1]);
    expect(rows.map((row) => row.id).sort()).toEqual([todos[0], ...todos.slice(2)].sort());
  });

  it('GET /lists: keyset pages, newest first, with an archived filter and counts', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await createList(`page ${i}`)).id);
    const todo = await createTodo('counted');
    await add(made[0]!, todo).expect(200);
    await request(http).post(`/lists/${made[1]}/archive`).expect(200);

    const seen: { id: string; archived: boolean; counts: { total: number } }[] = [];
    let cursor: string | null = null;
    do {
      const response = await request(http)
        .get('/lists')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      const page = response.body as { items: typeof seen; nextCursor: string | null };
      if (page.nextCursor) expect(response.headers.link).toMatch(/rel="next"/);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const ours = seen.filter((item) => made.includes(item.id));
    expect(ours.map((item) => item.id)).toEqual([...made].reverse());
    expect(ours.find((item) => item.id === made[0])?.counts.total).toBe(1);
    expect(new Set(seen.map((item) => item.id)).size).toBe(seen.length);

    const archived = (await request(http).get('/lists?archived=true&limit=100').expect(200))
      .body as { items: { id: string; archived: boolean }[] };
    expect(archived.items.every((item) => item.archived)).toBe(true);
    expect(archived.items.map((item) => item.id)).toContain(made[1]);
    await request(http).get('/lists?cursor=bm9wZQ.eA').expect(400);
  });

  it('records list events in a stream of type list', async () => {
    const list = await createList();
    const { rows } = await db.query<{ stream_type: string; event_type: string }>(
      'SELECT stream_type, event_type FROM events WHERE aggregate_id = $1',
      [list.id],
    );
    expect(rows).toEqual([{ stream_type: 'list', event_type: 'ListCreated' }]);
  });

  it('the activity feed shows list events', async () => {
    const list = await createList('Activity list');
    const todo = await createTodo('in activity');
    await add(list.id, todo).expect(200);
    await request(http).post(`/lists/${list.id}/archive`).expect(200);
    const items = await waitFor('the list changes in the feed', async () => {
      const response = await request(http).get('/activity/feed?limit=100').expect(200);
      const ours = (response.body as { items: { listId?: string }[] }).items.filter(
        (item) => item.listId === list.id,
      );
      return ours.length === 3 ? ours : undefined;
    });
    expect(items).toMatchObject([
      { change: 'list-archived', listId: list.id },
      { change: 'list-todo-added', listId: list.id, todoId: todo },
      { change: 'list-created', listId: list.id, title: 'Activity list' },
    ]);
  });
});
