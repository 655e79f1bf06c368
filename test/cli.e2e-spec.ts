import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { Client } from 'pg';
import { runCli } from '../src/cli-program';
import { testDatabaseUrl } from './support/database';

type Run = { code: number; stdout: string; stderr: string };

async function cli(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: { DATABASE_URL: testDatabaseUrl() },
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
});
