import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { testDatabaseUrl } from './support/database';

/**
 * Three real service processes (the built `dist/main.js`, as in production) on one database,
 * driven at once. `npm test` builds first (pretest), so `dist/` is current.
 */

type Instance = { process: ChildProcess; baseUrl: string };
type Reply = { status: number; body: Record<string, unknown>; etag: string | null };

const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');
const START_TIMEOUT_MS = 60_000;

function startInstance(): Promise<Instance> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      PORT: '0',
      HOST: '127.0.0.1',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The service did not start in time:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /Listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port !== undefined) {
        clearTimeout(timer);
        resolve({ process: child, baseUrl: `http://127.0.0.1:${port}` });
      }
    };
    // Keep draining both pipes for the whole life of the process, so it never blocks on them.
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The service exited with ${code} before listening:\n${output}`));
    });
  });
}

function stopInstance({ process: child }: Instance): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function call(
  instance: Instance,
  method: string,
  url: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const response = await fetch(`${instance.baseUrl}${url}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(30_000),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    etag: response.headers.get('etag'),
  };
}

describe('three service processes on one database (e2e)', () => {
  let instances: Instance[] = [];
  let db: Client;

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run npm run build (npm test does).`);
    // One after the other: they would only queue on the migration lock anyway, and the
    // machine running the tests may have few cores.
    for (let i = 0; i < 3; i++) instances.push(await startInstance());
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  }, 3 * START_TIMEOUT_MS);

  afterAll(async () => {
    await db?.end();
    await Promise.all(instances.map(stopInstance));
    instances = [];
  }, 30_000);

  const on = (i: number): Instance => {
    const instance = instances[i % instances.length];
    if (!instance) throw new Error('no instance');
    return instance;
  };

  const eventsOf = async (id: string) =>
    (
      await db.query<{ sequence: number; event_type: string; payload: { title?: string } }>(
        'SELECT sequence::int AS sequence, event_type, payload FROM events WHERE aggregate_id = $1 ORDER BY sequence',
        [id],
      )
    ).rows;

  const createTodo = async (title: string): Promise<string> => {
    const reply = await call(on(0), 'POST', '/todos', { body: { title } });
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  };

  it('50 concurrent writes with the same If-Match: exactly one wins, the rest get 412', async () => {
    const id = await createTodo('race with If-Match');
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? call(on(i), 'POST', `/todos/${id}/complete`, { headers: { 'If-Match': '"1"' } })
          : call(on(i), 'PATCH', `/todos/${id}`, {
              headers: { 'If-Match': '"1"' },
              body: { title: `renamed ${i}` },
            }),
      ),
    );
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status >= 200 && status < 300)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(49);
    for (const reply of replies.filter((r) => r.status === 412)) {
      expect(reply.body).toMatchObject({
        type: 'urn:todo-service:problem:precondition-failed',
        currentVersion: 2,
      });
    }
    expect((await eventsOf(id)).map((event) => event.sequence)).toEqual([1, 2]);
  });

  it('50 concurrent renames without If-Match: >= 95% succeed, the rest 503, one event per 2xx, read model = fold', async () => {
    const id = await createTodo('race without If-Match');
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(on(i), 'PATCH', `/todos/${id}`, { body: { title: `title ${i}` } }),
      ),
    );
    const statuses = replies.map((reply) => reply.status);
    // A write without If-Match applies to the latest state: writers of one process take turns,
    // and a race lost to another process is retried after a jittered pause. Only a writer that
    // stays unlucky past the busy timeout gets 503; nothing else may happen.
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    for (const reply of replies.filter((r) => r.status === 503)) {
      expect(reply.body.type).toBe('urn:todo-service:problem:stream-busy');
    }
    const successes = statuses.filter((status) => status === 200).length;
    expect(successes).toBeGreaterThanOrEqual(48);

    const events = await eventsOf(id);
    expect(events).toHaveLength(1 + successes);
    expect(events.map((event) => event.sequence)).toEqual(
      Array.from({ length: events.length }, (_, i) => i + 1),
    );
    // Each success answered with the version its own event got: all different.
    const versions = replies.filter((r) => r.status === 200).map((r) => r.body.version);
    expect(new Set(versions).size).toBe(successes);

    const last = events.at(-1);
    const row = (
      await db.query<{ title: string; version: number }>(
        'SELECT title, version::int AS version FROM todo_read_views WHERE id = $1',
        [id],
      )
    ).rows[0];
    expect(row).toEqual({ title: last?.payload.title, version: last?.sequence });
    const read = await call(on(2), 'GET', `/todos/${id}`);
    expect(read.etag).toBe(`"${last?.sequence}"`);
  });

  it('20 identical POSTs with one Idempotency-Key across the processes create one todo', async () => {
    const key = randomUUID();
    const title = `idempotent across processes ${key}`;
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(on(i), 'POST', '/todos', { headers: { 'Idempotency-Key': key }, body: { title } }),
      ),
    );
    const created = replies.filter((reply) => reply.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const reply of replies.filter((r) => r.status !== 201)) {
      expect(reply.status).toBe(409);
      expect(reply.body.type).toBe('urn:todo-service:problem:idempotency-key-in-flight');
    }
    const first = created[0]?.body;
    for (const reply of created) expect(reply.body).toEqual(first);

    const todoCreated = await db.query<{ id: string }>(
      `SELECT aggregate_id AS id FROM events WHERE event_type = 'TodoCreated' AND payload->>'title' = $1`,
      [title],
    );
    expect(todoCreated.rows).toEqual([{ id: first?.id }]);
    // Once nothing is in flight, every retry is the original answer.
    const retry = await call(on(1), 'POST', '/todos', {
      headers: { 'Idempotency-Key': key },
      body: { title },
    });
    expect(retry).toMatchObject({ status: 201, body: first });
  });

  it('50 concurrent adds of different todos to one list across the processes: each present once', async () => {
    const todos = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createTodo(`list race ${i}`)),
    );
    const list = await call(on(0), 'POST', '/lists', { body: { name: 'race' } });
    expect(list.status).toBe(201);
    const listId = list.body.id as string;

    // Blind writes: each add applies to the latest list. A writer that keeps losing races to
    // the other processes may get 503 stream-busy; a client retries it, as Retry-After says.
    let busy = 0;
    const add = async (todoId: string, i: number): Promise<Reply> => {
      for (;;) {
        const reply = await call(on(i), 'POST', `/lists/${listId}/todos`, { body: { todoId } });
        if (reply.status !== 503) return reply;
        expect(reply.body.type).toBe('urn:todo-service:problem:stream-busy');
        busy++;
      }
    };
    const replies = await Promise.all(todos.map(add));
    expect(replies.map((reply) => reply.status)).toEqual(todos.map(() => 200));
    // Nearly all of them win within the busy timeout on the first try.
    expect(busy).toBeLessThanOrEqual(2);

    const added = await db.query<{ todo_id: string; sequence: number }>(
      `SELECT payload->>'todoId' AS todo_id, sequence::int AS sequence FROM events
       WHERE aggregate_id = $1 AND event_type = 'ListTodoAdded' ORDER BY sequence`,
      [listId],
    );
    expect(added.rows.map((row) => row.todo_id).sort()).toEqual([...todos].sort());
    expect(added.rows.map((row) => row.sequence)).toEqual(todos.map((_, i) => i + 2));
    const view = await call(on(2), 'GET', `/lists/${listId}`);
    expect(view.etag).toBe('"51"');
    const shown = (view.body.todos as { id: string }[]).map((todo) => todo.id);
    expect(shown).toEqual(added.rows.map((row) => row.todo_id));
  });

  it('a cursor from one instance is accepted by another', async () => {
    await createTodo('page a');
    await createTodo('page b');
    const firstPage = await call(on(0), 'GET', '/todos?limit=1');
    const cursor = firstPage.body.nextCursor as string;
    const nextPage = await call(on(1), 'GET', `/todos?limit=1&cursor=${cursor}`);
    expect(nextPage.status).toBe(200);
    expect((nextPage.body.items as unknown[]).length).toBe(1);
  });
});
