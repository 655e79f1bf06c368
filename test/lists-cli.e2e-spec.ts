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

type List = {
  id: string;
  name: string;
  archived: boolean;
  version: number;
  todos: { id: string; title: string; completed: boolean }[];
  counts: { total: number; completed: number };
};

jest.setTimeout(60_000);

describe('CLI lists (e2e)', () => {
  it('creates, renames, fills, shows, lists and archives a list', async () => {
    const todo = JSON.parse((await cli('--json', 'create', 'In a list')).stdout) as { id: string };
    const created = await cli('--json', 'lists', 'create', 'From the CLI');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const list = JSON.parse(created.stdout) as List;
    expect(list).toMatchObject({ name: 'From the CLI', version: 1, todos: [] });

    const renamed = await cli('lists', 'rename', list.id, 'Renamed list');
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toContain(`Renamed list  (${list.id}, v2) 0/0 done`);

    const added = await cli('lists', 'add', list.id, todo.id, '--json');
    expect(JSON.parse(added.stdout)).toMatchObject({
      version: 3,
      todos: [{ id: todo.id, title: 'In a list', completed: false }],
      counts: { total: 1, completed: 0 },
    });

    const shown = await cli('lists', 'show', list.id);
    expect(shown.stdout).toContain(`[ ] In a list  (${todo.id})`);

    const listed = await cli('--json', 'lists', 'list', '--active', '--limit', '100');
    expect(listed.code).toBe(0);
    const page = JSON.parse(listed.stdout) as { items: List[] };
    expect(page.items.map((item) => item.id)).toContain(list.id);

    const removed = await cli('--json', 'lists', 'remove', list.id, todo.id);
    expect(JSON.parse(removed.stdout)).toMatchObject({ version: 4, todos: [] });

    const archived = await cli('--json', 'lists', 'archive', list.id, '--complete-open-todos');
    expect(JSON.parse(archived.stdout)).toMatchObject({ archived: true, version: 5 });
    const archivedOnes = await cli('--json', 'lists', 'list', '--archived', '--limit', '100');
    expect((JSON.parse(archivedOnes.stdout) as { items: List[] }).items.map((l) => l.id)).toContain(
      list.id,
    );
  });

  it('reports refusals with the problem type and exit code 1, usage errors with 2', async () => {
    const list = JSON.parse((await cli('--json', 'lists', 'create', 'Errors')).stdout) as List;
    const missingTodo = await cli('--json', 'lists', 'add', list.id, list.id);
    expect(missingTodo.code).toBe(1);
    expect(JSON.parse(missingTodo.stderr)).toMatchObject({
      type: 'urn:todo-service:problem:todo-not-found',
      code: 'TODO_NOT_FOUND',
    });

    await cli('lists', 'archive', list.id);
    const archived = await cli('--json', 'lists', 'rename', list.id, 'x');
    expect(archived.code).toBe(1);
    expect(JSON.parse(archived.stderr)).toMatchObject({ code: 'LIST_ARCHIVED' });

    const badName = await cli('lists', 'create', '   ');
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('LIST_NAME_INVALID');

    const usage = await cli('--json', 'lists', 'show', 'not-a-uuid');
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stderr)).toMatchObject({
      type: 'urn:todo-service:problem:usage-error',
    });
  });
});
