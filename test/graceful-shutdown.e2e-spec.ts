import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { testDatabaseUrl } from './support/database';
import { httpJson } from './support/http-client';

jest.setTimeout(90_000);

/** The built service as a real process, as it runs in production (`node dist/main.js`). */
function startService(env: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  port: Promise<number>;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [path.resolve(__dirname, '../dist/main.js')], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_FORMAT: 'json', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    const onData = () => {
      const match = /Listening on http:\/\/localhost:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    void exit.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output, port, exit };
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting until ${what}`);
}

describe('Graceful shutdown (e2e, real process)', () => {
  it('on SIGTERM stops accepting, lets 20 requests waiting on a lock finish, then exits 0', async () => {
    const service = startService({
      DATABASE_URL: testDatabaseUrl(),
      PORT: '0',
      DB_POOL_SIZE: '25',
      DB_LOCK_TIMEOUT_MS: '60000',
      SHUTDOWN_GRACE_MS: '30000',
    });
    const admin = new Client({ connectionString: testDatabaseUrl() });
    try {
      const base = `http://127.0.0.1:${await service.port}`;
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const response = await httpJson(base, 'POST', '/todos', { title: `shutdown ${i}` });
        expect(response.status).toBe(201);
        ids.push((response.body as { id: string }).id);
      }

      await admin.connect();
      await admin.query('BEGIN');
      await admin.query('SELECT 1 FROM todo_read_views WHERE id = ANY($1::uuid[]) FOR UPDATE', [
        ids,
      ]);
      const renames = ids.map((id) =>
        httpJson(base, 'PATCH', `/todos/${id}`, { title: 'renamed during shutdown' }),
      );
      await waitUntil('all 20 renames wait on the lock', async () => {
        // Inside a transaction PostgreSQL keeps serving its first statistics snapshot.
        await admin.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await admin.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))`,
        );
        return Number(rows[0]?.n) === 20;
      });

      service.child.kill('SIGTERM');
      const port = await service.port;
      await waitUntil('the listening socket is closed', () => refusesConnections(port));
      expect(service.child.exitCode).toBeNull();

      await admin.query('COMMIT');
      const responses = await Promise.all(renames);
      expect(responses.map((response) => response.status)).toEqual(ids.map(() => 200));
      expect(await service.exit).toBe(0);
      expect(service.output()).toContain('Shut down cleanly');

      const { rows } = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM todo_read_views
         WHERE id = ANY($1::uuid[]) AND title = 'renamed during shutdown' AND version = 2`,
        [ids],
      );
      expect(Number(rows[0]?.n)).toBe(20);
    } finally {
      service.child.kill('SIGKILL');
      await admin.end().catch(() => undefined);
    }
  });

  it('refuses to start on a bad setting, with one clear message and exit code 1', async () => {
    const service = startService({ DATABASE_URL: testDatabaseUrl(), DB_POOL_SIZE: 'lots' });
    service.port.catch(() => undefined);
    expect(await service.exit).toBe(1);
    expect(service.output().trim()).toBe(
      'Start-up failed: DB_POOL_SIZE must be an integer from 1 to 1000, got "lots".',
    );
  });
});
