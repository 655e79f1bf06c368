import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { createScratchDatabase } from './support/database';
import { httpJson } from './support/http-client';
import { waitFor, pause } from './support/wait-for';

jest.setTimeout(240_000);

const TODOS = 200;

type Service = { child: ChildProcess; base: Promise<string>; exit: Promise<unknown> };

/** The built service as a real process (`node dist/main.js`), as in production. */
function startService(databaseUrl: string): Service {
  const child = spawn(process.execPath, [path.resolve(__dirname, '../dist/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      RATE_LIMIT_MAX: '0',
      // The test holds locks on todos for as long as it likes.
      DB_LOCK_TIMEOUT_MS: '0',
      SUBSCRIPTIONS_POLL_MS: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exit = new Promise((resolve) => child.once('exit', resolve));
  const base = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const port = /Listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port !== undefined) resolve(`http://127.0.0.1:${port}`);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exit.then((code) => reject(new Error(`exited with ${String(code)}:\n${output}`)));
  });
  return { child, base, exit };
}

async function stop(service: Service | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  await service.exit;
}

describe('archive policy survives a crash halfway (e2e, real processes)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Client;
  const services: Service[] = [];

  beforeAll(async () => {
    // A database of its own: the policy runs in one process per database, and it must be ours.
    scratch = await createScratchDatabase('archive_crash');
  });

  afterAll(async () => {
    await Promise.all(services.map(stop));
    await db?.end();
    await scratch?.drop();
  });

  const completions = async (ids: string[]) =>
    (
      await db.query<{ id: string; n: number }>(
        `SELECT aggregate_id::text AS id, count(*)::int AS n FROM events
         WHERE aggregate_id = ANY($1::uuid[]) AND event_type = 'TodoCompleted'
         GROUP BY aggregate_id`,
        [ids],
      )
    ).rows;

  it(`kill -9 in the middle of completing ${TODOS} todos, restart: each completed exactly once`, async () => {
    const first = startService(scratch.url);
    services.push(first);
    const base = await first.base;
    db = new Client({ connectionString: scratch.url });
    await db.connect();

    const ids: string[] = [];
    for (let i = 0; i < TODOS; i += 20) {
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          httpJson(base, 'POST', '/todos', { title: `archive ${i + j}` }),
        ),
      );
      for (const reply of created) {
        expect(reply.status).toBe(201);
        ids.push((reply.body as { id: string }).id);
      }
    }
    const list = await httpJson(base, 'POST', '/lists', { name: 'Crash' });
    const listId = (list.body as { id: string }).id;
    for (const id of ids) {
      expect((await httpJson(base, 'POST', `/lists/${listId}/todos`, { todoId: id })).status).toBe(
        200,
      );
    }

    const archived = await httpJson(base, 'POST', `/lists/${listId}/archive`, {
      completeOpenTodos: true,
    });
    expect(archived.status).toBe(200);
    await waitFor('the policy to start', async () =>
      (await completions(ids)).length > 0 ? true : undefined,
    );
    // Someone else locks the last 100 todos (taken only now: an open transaction that wrote
    // would hold back every reader of the log, the policy too). The policy stops at the first
    // of them that it has not completed yet, and there the process dies.
    const blocker = new Client({ connectionString: scratch.url });
    await blocker.connect();
    let atKill: number;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM todo_read_views WHERE id = ANY($1::uuid[]) FOR UPDATE', [
        ids.slice(TODOS / 2),
      ]);
      let last = -1;
      atKill = await waitFor('the policy to stop at a locked todo', async () => {
        await pause(300);
        const now = (await completions(ids)).length;
        const stuck = now === last;
        last = now;
        return stuck ? now : undefined;
      });
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(TODOS);

      first.child.kill('SIGKILL');
      await first.exit;
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // Nothing completes while no service runs.
    await pause(300);
    expect(await completions(ids)).toHaveLength(atKill);

    const second = startService(scratch.url);
    services.push(second);
    await second.base;
    const done = await waitFor(
      `all ${TODOS} todos completed`,
      async () => {
        const rows = await completions(ids);
        return rows.length === TODOS ? rows : undefined;
      },
      120_000,
    );
    expect(done.every((row) => row.n === 1)).toBe(true);
    // The policy has moved past the archive: nothing more comes.
    await waitFor('the policy checkpoint past the archive', async () => {
      const { rows } = await db.query<{ done: boolean }>(
        `SELECT c.global_position >= e.global_position AS done
         FROM projection_checkpoints c, events e
         WHERE c.name = 'lists_archive_policy' AND e.aggregate_id = $1 AND e.event_type = 'ListArchived'`,
        [listId],
      );
      return rows[0]?.done === true ? true : undefined;
    });
    expect((await completions(ids)).every((row) => row.n === 1)).toBe(true);
    const view = await httpJson(await second.base, 'GET', `/lists/${listId}`);
    expect(view.status).toBe(200);
    await waitFor('the list view to show them completed', async () => {
      const reply = await httpJson(await second.base, 'GET', `/lists/${listId}`);
      const counts = (reply.body as { counts: { total: number; completed: number } }).counts;
      return counts.completed === TODOS ? true : undefined;
    });
  });
});
