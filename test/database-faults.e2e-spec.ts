import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import type { DatabaseOptions } from '../src/database/database.options';
import { ControlledPostgres } from './support/controlled-postgres';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE } from './support/problem';

/**
 * The service against a PostgreSQL this suite starts and then restarts, stops, crashes and
 * starves. Every request goes over real HTTP; every outcome must be a success or a retryable
 * 503 problem+json, and whatever was acknowledged must still be there.
 */

type Reply = { status: number; type?: string; retryAfter: string | null; body: unknown };

jest.setTimeout(120_000);

describe('Database faults (e2e, own PostgreSQL)', () => {
  let pg: ControlledPostgres;
  let admin: Client;

  beforeAll(async () => {
    pg = await ControlledPostgres.start();
  });
  afterAll(async () => {
    await pg.destroy();
  });

  const connectAdmin = async (): Promise<Client> => {
    const client = new Client({ connectionString: pg.url(), application_name: 'fault-test' });
    await client.connect();
    // A restart ends this session too; the tests reconnect when they need it again.
    client.on('error', () => undefined);
    return client;
  };

  const startService = async (
    tuning: Partial<DatabaseOptions> = {},
  ): Promise<{ app: NestExpressApplication; base: string }> => {
    const app = await createApp({
      database: {
        url: pg.url(),
        poolSize: 5,
        connectionTimeoutMs: 1000,
        statementTimeoutMs: 10_000,
        lockTimeoutMs: 10_000,
        migrate: true,
        ...tuning,
      },
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return { app, base: `http://127.0.0.1:${port}` };
  };

  const call = async (
    base: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Reply> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    const contentType = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      type: PROBLEM_CONTENT_TYPE.test(contentType) ? (parsed as { type: string }).type : undefined,
      retryAfter: response.headers.get('retry-after'),
      body: parsed,
    };
  };

  /** A failure must be a retryable 503 problem with Retry-After; nothing else is acceptable. */
  const expectSuccessOr503 = (reply: Reply): void => {
    if (reply.status < 300) return;
    expect({ status: reply.status, body: reply.body }).toMatchObject({ status: 503 });
    expect(reply.type).toMatch(new RegExp(`^${PROBLEM_TYPE}database-`));
    expect(Number(reply.retryAfter)).toBeGreaterThan(0);
  };

  const waitUntil = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (await check().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`Timed out waiting until ${what}`);
  };

  /** Every event's stream has its read-model row at the stream's version. */
  const expectProjectionComplete = async (client: Client): Promise<void> => {
    const { rows } = await client.query<{ missing: string }>(`
      SELECT count(*) AS missing
      FROM (SELECT aggregate_id, max(sequence) AS version FROM events GROUP BY aggregate_id) e
      LEFT JOIN todo_read_views r ON r.id = e.aggregate_id
      WHERE r.version IS DISTINCT FROM e.version`);
    expect(Number(rows[0]?.missing)).toBe(0);
  };

  const waitingOnLock = async (client: Client): Promise<number> => {
    // The caller may be inside a transaction, where PostgreSQL keeps its first statistics snapshot.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE application_name = 'todo-service' AND wait_event_type = 'Lock'`,
    );
    return Number(rows[0]?.n);
  };

  for (const mode of ['fast', 'immediate'] as const) {
    it(`survives pg_ctl restart -m ${mode} under load: 2xx or 503, recovers, loses no acknowledged write`, async () => {
      const { app, base } = await startService();
      const acknowledged = new Map<string, { version: number; title: string }>();
      const replies: Reply[] = [];
      let restarted = false;
      let successesAfterRestart = 0;
      const deadline = Date.now() + 30_000;

      const worker = async (): Promise<void> => {
        for (let i = 0; i < 500 && Date.now() < deadline; i++) {
          if (restarted && successesAfterRestart >= 20) return;
          const title = `load ${randomUUID()}`;
          const created = await call(base, 'POST', '/todos', { title });
          replies.push(created);
          if (created.status !== 201) continue;
          const id = (created.body as { id: string }).id;
          acknowledged.set(id, { version: 1, title });
          if (restarted) successesAfterRestart++;
          const renamed = await call(base, 'PATCH', `/todos/${id}`, { title: `${title}!` });
          replies.push(renamed);
          if (renamed.status === 200) acknowledged.set(id, { version: 2, title: `${title}!` });
        }
      };
      try {
        const load = Promise.all([worker(), worker(), worker(), worker()]);
        await waitUntil('some writes are acknowledged', () =>
          Promise.resolve(acknowledged.size >= 10),
        );
        await pg.restart(mode);
        restarted = true;
        await load;

        expect(successesAfterRestart).toBeGreaterThanOrEqual(20);
        for (const reply of replies) expectSuccessOr503(reply);

        admin = await connectAdmin();
        try {
          const { rows } = await admin.query<{ id: string; version: string; title: string }>(
            'SELECT id, version, title FROM todo_read_views WHERE id = ANY($1::uuid[])',
            [[...acknowledged.keys()]],
          );
          const stored = new Map(rows.map((row) => [row.id, row]));
          for (const [id, expected] of acknowledged) {
            const row = stored.get(id);
            expect(row).toBeDefined();
            // A rename whose acknowledgement was lost may have committed: never less than acked.
            expect(Number(row?.version)).toBeGreaterThanOrEqual(expected.version);
            if (Number(row?.version) === expected.version) expect(row?.title).toBe(expected.title);
          }
          await expectProjectionComplete(admin);
        } finally {
          await admin.end();
        }
      } finally {
        await app.close();
      }
    });
  }

  it('while PostgreSQL is down: writes and reads are 503 with Retry-After, not ready but alive; then recovers', async () => {
    const { app, base } = await startService();
    try {
      expect((await call(base, 'POST', '/todos', { title: 'before' })).status).toBe(201);
      await pg.stop('fast');

      const write = await call(base, 'POST', '/todos', { title: 'during' });
      expectSuccessOr503(write);
      expect(write.status).toBe(503);
      expect(write.type).toBe(`${PROBLEM_TYPE}database-unavailable`);
      expect((await call(base, 'GET', '/todos')).status).toBe(503);
      const ready = await call(base, 'GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.retryAfter).not.toBeNull();
      expect((await call(base, 'GET', '/health/live')).status).toBe(200);

      await pg.resume();
      await waitUntil('ready again', async () => {
        return (await call(base, 'GET', '/health/ready')).status === 200;
      });
      expect((await call(base, 'POST', '/todos', { title: 'after' })).status).toBe(201);
    } finally {
      await app.close();
    }
  });

  it('recovers when its idle connections are terminated', async () => {
    const { app, base } = await startService();
    admin = await connectAdmin();
    try {
      await Promise.all(
        Array.from({ length: 5 }, () => call(base, 'POST', '/todos', { title: 'fill the pool' })),
      );
      const { rows } = await admin.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
         WHERE application_name = 'todo-service'`,
      );
      expect(rows.length).toBeGreaterThan(0);

      const after: Reply[] = [];
      for (let i = 0; i < 10; i++)
        after.push(await call(base, 'POST', '/todos', { title: 'after' }));
      for (const reply of after) expectSuccessOr503(reply);
      expect(after.slice(-5).every((reply) => reply.status === 201)).toBe(true);
    } finally {
      await admin.end();
      await app.close();
    }
  });

  it('answers 503 when its busy connection is terminated mid-request, writes nothing, and recovers', async () => {
    const { app, base } = await startService();
    admin = await connectAdmin();
    try {
      const todo = (await call(base, 'POST', '/todos', { title: 'busy' })).body as { id: string };
      await admin.query('BEGIN');
      await admin.query('SELECT 1 FROM todo_read_views WHERE id = $1 FOR UPDATE', [todo.id]);
      const blocked = call(base, 'PATCH', `/todos/${todo.id}`, { title: 'never' });
      await waitUntil(
        'the rename waits on the lock',
        async () => (await waitingOnLock(admin)) === 1,
      );
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = 'todo-service' AND wait_event_type = 'Lock'`,
      );
      const reply = await blocked;
      expectSuccessOr503(reply);
      expect(reply.status).toBe(503);
      await admin.query('ROLLBACK');

      const { rows } = await admin.query<{ n: string }>(
        'SELECT count(*) AS n FROM events WHERE aggregate_id = $1',
        [todo.id],
      );
      expect(Number(rows[0]?.n)).toBe(1);
      expect((await call(base, 'PATCH', `/todos/${todo.id}`, { title: 'now' })).status).toBe(200);
      await expectProjectionComplete(admin);
    } finally {
      await admin.end();
      await app.close();
    }
  });

  it('fails with 503 at lock_timeout while another session holds the row lock, never hangs', async () => {
    const { app, base } = await startService({ lockTimeoutMs: 300 });
    admin = await connectAdmin();
    try {
      const todo = (await call(base, 'POST', '/todos', { title: 'locked' })).body as { id: string };
      await admin.query('BEGIN');
      await admin.query('SELECT 1 FROM todo_read_views WHERE id = $1 FOR UPDATE', [todo.id]);
      const reply = await call(base, 'PATCH', `/todos/${todo.id}`, { title: 'blocked' });
      expect(reply.status).toBe(503);
      expect(reply.type).toBe(`${PROBLEM_TYPE}database-timeout`);
      expect(Number(reply.retryAfter)).toBeGreaterThan(0);
      await admin.query('ROLLBACK');

      const stored = await call(base, 'GET', `/todos/${todo.id}`);
      expect(stored.body).toMatchObject({ title: 'locked', version: 1 });
    } finally {
      await admin.end();
      await app.close();
    }
  });

  it('fails with 503 at statement_timeout when a statement runs too long, and writes nothing', async () => {
    // No lock_timeout: the blocked statement runs until statement_timeout cancels it.
    const { app, base } = await startService({ lockTimeoutMs: 0, statementTimeoutMs: 300 });
    admin = await connectAdmin();
    try {
      const todo = (await call(base, 'POST', '/todos', { title: 'slow' })).body as { id: string };
      await admin.query('BEGIN');
      await admin.query('SELECT 1 FROM todo_read_views WHERE id = $1 FOR UPDATE', [todo.id]);
      const reply = await call(base, 'POST', `/todos/${todo.id}/complete`);
      expect(reply.status).toBe(503);
      expect(reply.type).toBe(`${PROBLEM_TYPE}database-timeout`);
      expect(Number(reply.retryAfter)).toBeGreaterThan(0);
      await admin.query('ROLLBACK');
      expect((await call(base, 'GET', `/todos/${todo.id}`)).body).toMatchObject({
        completed: false,
        version: 1,
      });
    } finally {
      await admin.end();
      await app.close();
    }
  });

  it('answers 503 within the acquire timeout when the pool is exhausted, stays alive, leaks nothing', async () => {
    const { app, base } = await startService({ poolSize: 2, connectionTimeoutMs: 300 });
    admin = await connectAdmin();
    try {
      const todos = await Promise.all(
        [1, 2].map(
          async (n) =>
            (await call(base, 'POST', '/todos', { title: `pool ${n}` })).body as { id: string },
        ),
      );
      await admin.query('BEGIN');
      await admin.query('SELECT 1 FROM todo_read_views WHERE id = ANY($1::uuid[]) FOR UPDATE', [
        todos.map((todo) => todo.id),
      ]);
      const blocked = todos.map((todo) =>
        call(base, 'PATCH', `/todos/${todo.id}`, { title: 'waited' }),
      );
      await waitUntil('both pooled connections wait on the lock', async () => {
        return (await waitingOnLock(admin)) === 2;
      });

      const starved = await call(base, 'GET', '/todos');
      expect(starved.status).toBe(503);
      expect(starved.type).toBe(`${PROBLEM_TYPE}database-timeout`);
      expect(Number(starved.retryAfter)).toBeGreaterThan(0);
      expect((await call(base, 'GET', '/health/live')).status).toBe(200);

      await admin.query('COMMIT');
      for (const reply of await Promise.all(blocked)) expect(reply.status).toBe(200);

      const metrics = await (await fetch(`${base}/metrics`)).text();
      const gauge = (state: string) =>
        Number(
          new RegExp(`^db_pool_connections\\{state="${state}"\\} (\\d+)`, 'm').exec(metrics)?.[1],
        );
      expect(gauge('total')).toBeLessThanOrEqual(2);
      expect(gauge('idle')).toBe(gauge('total'));
      expect(gauge('waiting')).toBe(0);
      const { rows } = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'todo-service'`,
      );
      expect(Number(rows[0]?.n)).toBeLessThanOrEqual(2);
    } finally {
      await admin.end();
      await app.close();
    }
  });
});
