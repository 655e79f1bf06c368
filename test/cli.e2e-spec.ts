import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { Client } from 'pg';
import { runCli } from '../src/cli-program';
import { testDatabaseUrl } from './support/database';

type Run = { code: number; stdout: string; stderr: string };

async function cli(...args: string[]): Promise<Run> {
  return cliWithEnv({ DATABASE_URL: testDatabaseUrl() }, ...args);
}

async function cliWithEnv(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

type Todo = { id: string; title: string; completed: boolean; version: number };

describe('CLI (e2e)', () => {
  it('creates, renames, completes, shows and lists a todo', async () => {
    const created = await cli('--json', 'create', 'From the CLI');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const todo = JSON.parse(created.stdout) as Todo;
    expect(todo).toMatchObject({ title: 'From the CLI', completed: false, version: 1 });

    const renamed = await cli('rename', todo.id, 'Renamed from the CLI');
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toContain('[ ] Renamed from the CLI');
    expect(renamed.stdout).toContain('version:  2');

    const completed = await cli('complete', todo.id, '--json');
    expect(JSON.parse(completed.stdout)).toMatchObject({ completed: true, version: 3 });

    const shown = await cli('show', todo.id);
    expect(shown.stdout).toContain(`[x] Renamed from the CLI  (${todo.id}, v3)`);

    const listed = await cli('list', '--completed', '--limit', '100', '--json');
    expect(listed.code).toBe(0);
    const list = JSON.parse(listed.stdout) as { items: Todo[] };
    expect(list.items.map((t) => t.id)).toContain(todo.id);
    expect(list.items.every((t) => t.completed)).toBe(true);

    const open = await cli('list', '--open', '--limit', '100');
    expect(open.stdout).not.toContain(todo.id);
  });

  it('reopens and deletes a todo; a deleted todo refuses commands, its history stays', async () => {
    const todo = JSON.parse((await cli('--json', 'create', 'Reopen me')).stdout) as Todo;
    await cli('complete', todo.id);
    const reopened = await cli('--json', 'reopen', todo.id);
    expect(reopened.code).toBe(0);
    expect(JSON.parse(reopened.stdout)).toMatchObject({ completed: false, version: 3 });
    const again = await cli('reopen', todo.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('TODO_NOT_COMPLETED');

    const deleted = await cli('delete', todo.id);
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted todo ${todo.id} (version 4).\n` });
    const shown = await cli('show', todo.id);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toContain('TODO_DELETED');
    const history = JSON.parse((await cli('--json', 'history', todo.id)).stdout) as {
      items: { type: string }[];
    };
    expect(history.items.map((e) => e.type).at(-1)).toBe('TodoDeleted');
  });

  it('shows the history with metadata and a todo at an earlier version', async () => {
    const todo = JSON.parse((await cli('--json', 'create', 'Version one')).stdout) as Todo;
    await cli('rename', todo.id, 'Version two');

    const history = await cli('--json', 'history', todo.id);
    expect(history.code).toBe(0);
    const events = JSON.parse(history.stdout) as {
      items: { sequence: number; type: string; metadata: Record<string, unknown> }[];
      nextAfter: number | null;
    };
    expect(events.items.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'TodoCreated'],
      [2, 'TodoTitleChanged'],
    ]);
    expect(events.items[1]?.metadata).toMatchObject({ command: 'ChangeTitle' });
    expect(events.items[1]?.metadata.correlationId).toEqual(expect.any(String));

    const paged = await cli('history', todo.id, '--limit', '1');
    expect(paged.stdout).toContain('#1 ');
    expect(paged.stdout).toContain('TodoCreated');
    expect(paged.stdout).toContain('(more: --after 1)');

    const old = await cli('show', todo.id, '--version', '1');
    expect(old.stdout).toContain(`[ ] Version one  (${todo.id}, v1)`);
    const beyond = await cli('show', todo.id, '--version', '3');
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toContain('TODO_VERSION_NOT_FOUND');
  });

  it('pages through the list with --cursor', async () => {
    await cli('create', 'Page one');
    await cli('create', 'Page two');
    const first = JSON.parse((await cli('--json', 'list', '--limit', '1')).stdout) as {
      items: Todo[];
      nextCursor: string;
    };
    const second = JSON.parse(
      (await cli('--json', 'list', '--limit', '1', '--cursor', first.nextCursor)).stdout,
    ) as { items: Todo[] };
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    const bad = await cli('list', '--cursor', 'forged');
    expect(bad.stderr).toContain('INVALID_CURSOR');
  });

  it.each([
    [['show', randomUUID()], /^error: TODO_NOT_FOUND: Todo .* does not exist\.\n$/],
    [['create', '   '], /^error: TODO_TITLE_INVALID: Title is invalid: it is empty\.\n$/],
    [['show', 'not-a-uuid'], /it must be a UUID/],
    [['list', '--limit', '0'], /integer from 1 to 100/],
    [['list', '--open', '--completed'], /cannot be used with/],
    [['show', randomUUID(), '--version', '0'], /integer from 1/],
    [['history', randomUUID()], /TODO_NOT_FOUND/],
    [['history', randomUUID(), '--limit', '101'], /integer from 1 to 100/],
    [['frobnicate'], /unknown command/],
  ])('fails with a non-zero exit and a message for %j', async (args, message) => {
    const run = await cli(...args);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('a domain error is one line on stderr', async () => {
    const todo = JSON.parse((await cli('--json', 'create', 'Done once')).stdout) as Todo;
    await cli('complete', todo.id);
    const again = await cli('complete', todo.id);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('TODO_ALREADY_COMPLETED');
  });

  it.each(['create', 'rename', 'complete', 'list', 'show', 'history'])(
    'has --help for %s',
    async (command) => {
      const run = await cli(command, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: todo ${command}`);
    },
  );

  it('acts for the tenant named by --tenant, and records it in the metadata', async () => {
    const tenant = `cli-${randomUUID().slice(0, 8)}`;
    const todo = JSON.parse(
      (await cli('--json', '--tenant', tenant, 'create', 'Tenant work')).stdout,
    ) as Todo;
    expect((await cli('--json', '--tenant', tenant, 'show', todo.id)).code).toBe(0);
    // Another tenant (here the default one) finds no such todo.
    const elsewhere = await cli('--json', 'show', todo.id);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain('todo-not-found');
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const { rows } = await db.query<{ tenant_id: string; metadata: Record<string, unknown> }>(
        'SELECT tenant_id, metadata FROM events WHERE aggregate_id = $1',
        [todo.id],
      );
      expect(rows.map((row) => [row.tenant_id, row.metadata.tenant])).toEqual([[tenant, tenant]]);
    } finally {
      await db.end();
    }
    expect((await cli('--tenant', 'not a tenant', 'list')).code).not.toBe(0);
  });

  it('creates an API key: printed once, with the entry that holds only its SHA-256', async () => {
    const run = await cli(
      '--json',
      'keys',
      'create',
      '--tenant',
      'acme',
      '--scopes',
      'todos:read todos:write',
      '--name',
      'acme-sync',
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const { key, entry } = JSON.parse(run.stdout) as {
      key: string;
      entry: { name: string; tenant: string; scopes: string[]; sha256: string };
    };
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(entry).toEqual({
      name: 'acme-sync',
      tenant: 'acme',
      scopes: ['todos:read', 'todos:write'],
      sha256: createHash('sha256').update(key).digest('hex'),
    });
    expect(JSON.stringify(entry)).not.toContain(key);
    const bad = await cli('keys', 'create', '--tenant', 'acme', '--scopes', 'all', '--name', 'x');
    expect(bad.code).not.toBe(0);
    // The tenant is never implied: a key for `default` must say so.
    const noTenant = await cli('keys', 'create', '--scopes', 'todos:read', '--name', 'x');
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toContain('--tenant');
  });

  it('records the local user as the acting subject of its events', async () => {
    const created = await cli('--json', 'create', 'Whose is this');
    const todo = JSON.parse(created.stdout) as Todo;
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const { rows } = await db.query<{ metadata: Record<string, unknown> }>(
        'SELECT metadata FROM events WHERE aggregate_id = $1',
        [todo.id],
      );
      expect(rows[0]?.metadata).toMatchObject({
        command: 'CreateTodo',
        subject: `cli:${userInfo().username}`,
      });
      expect(typeof rows[0]?.metadata.requestId).toBe('string');
    } finally {
      await db.end();
    }
  });

  describe('errors with --json: one JSON line on stderr, and an exit code by kind', () => {
    /** The single line on stderr, parsed; fails unless stderr is exactly one JSON line. */
    const problemOf = (run: Run): Record<string, unknown> => {
      expect(run.stdout).toBe('');
      expect(run.stderr.endsWith('\n')).toBe(true);
      const lines = run.stderr.slice(0, -1).split('\n');
      expect(lines).toHaveLength(1);
      const problem = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
      expect(problem.type).toMatch(/^urn:todo-service:problem:[a-z-]+$/);
      expect(problem.code).toMatch(/^[A-Z_]+$/);
      expect(typeof problem.title).toBe('string');
      expect(typeof problem.detail).toBe('string');
      return problem;
    };

    it.each([
      [['frobnicate'], 'UNKNOWN_COMMAND', /frobnicate/],
      [[], 'MISSING_COMMAND', /No command/],
      [['projections'], 'MISSING_COMMAND', /No command/],
      [['list', '--bogus'], 'UNKNOWN_OPTION', /--bogus/],
      [['create'], 'MISSING_ARGUMENT', /title/],
      [['create', 'one', 'two'], 'TOO_MANY_ARGUMENTS', /too many/],
      [['list', '--limit'], 'MISSING_OPTION_VALUE', /--limit/],
      [['show', 'not-a-uuid'], 'INVALID_ARGUMENT', /must be a UUID/],
      [['list', '--limit', '0'], 'INVALID_ARGUMENT', /integer from 1 to 100/],
      [['history', randomUUID(), '--after', '-1'], 'INVALID_ARGUMENT', /--after/],
      [['list', '--open', '--completed'], 'CONFLICTING_OPTIONS', /cannot be used with/],
    ])('usage error %j: %s, exit 2', async (args, code, detail) => {
      for (const run of [await cli('--json', ...args), await cli(...args, '--json')]) {
        expect(run.code).toBe(2);
        const problem = problemOf(run);
        expect(problem).toMatchObject({ type: 'urn:todo-service:problem:usage-error', code });
        expect(problem.detail).toMatch(detail);
      }
    });

    it('a usage error without --json stays text for people, with the same exit code', async () => {
      const run = await cli('list', '--bogus');
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: unknown option '--bogus'\n/);
    });

    it('domain errors, validation of a title included: their problem type and code, exit 1', async () => {
      const unknown = randomUUID();
      const todo = JSON.parse((await cli('--json', 'create', 'Errors as JSON')).stdout) as Todo;
      const open = JSON.parse((await cli('--json', 'create', 'Still open')).stdout) as Todo;
      await cli('complete', todo.id);
      const cases: [string[], string, Record<string, unknown>][] = [
        [['show', unknown], 'TODO_NOT_FOUND', { todoId: unknown }],
        [['history', unknown], 'TODO_NOT_FOUND', { todoId: unknown }],
        [['create', '   '], 'TODO_TITLE_INVALID', {}],
        [['rename', open.id, 'x'.repeat(201)], 'TODO_TITLE_INVALID', {}],
        [['complete', todo.id], 'TODO_ALREADY_COMPLETED', { todoId: todo.id }],
        [['show', todo.id, '--version', '9'], 'TODO_VERSION_NOT_FOUND', { version: 9 }],
        [['list', '--cursor', 'forged'], 'INVALID_CURSOR', {}],
        [['projections', 'rebuild', 'nope'], 'PROJECTION_NOT_FOUND', {}],
      ];
      for (const [args, code, details] of cases) {
        const run = await cli('--json', ...args);
        expect({ args, exit: run.code }).toEqual({ args, exit: 1 });
        const type = `urn:todo-service:problem:${code.toLowerCase().replace(/_/g, '-')}`;
        expect(problemOf(run)).toMatchObject({ type, code, ...details });
      }
    });

    it('a database that does not answer: database-unavailable, exit 4', async () => {
      const run = await cliWithEnv(
        { DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/todo` },
        '--json',
        'list',
      );
      expect(run.code).toBe(4);
      expect(problemOf(run)).toMatchObject({
        type: 'urn:todo-service:problem:database-unavailable',
        code: 'DATABASE_UNAVAILABLE',
      });
    });

    it.each([
      [{ DATABASE_URL: 'mysql://localhost/todo' }, /DATABASE_URL/],
      [{ DATABASE_URL: testDatabaseUrl(), DB_POOL_SIZE: 'many' }, /DB_POOL_SIZE/],
      [{ DATABASE_URL: withDatabase('no_such_database') }, /no_such_database/],
    ])(
      'a configuration the CLI cannot run with (%j): configuration-error, exit 3',
      async (env, detail) => {
        const run = await cliWithEnv(env, 'list', '--json');
        expect(run.code).toBe(3);
        const problem = problemOf(run);
        expect(problem).toMatchObject({
          type: 'urn:todo-service:problem:configuration-error',
          code: 'CONFIGURATION_ERROR',
        });
        expect(problem.detail).toMatch(detail);
      },
    );

    it('--help lists the exit codes', async () => {
      const run = await cli('--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Exit codes:\n\s+0\s+success\n\s+1\s.*\n\s+2\s+usage error/);
    });
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function withDatabase(name: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
