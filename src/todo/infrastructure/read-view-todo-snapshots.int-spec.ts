import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startTestApp } from '../../../test/support/app';
import { EventStore } from '../../event-store';
import { ChangeTitleCommand } from '../application/commands/change-title.command';
import { CompleteTodoCommand } from '../application/commands/complete-todo.command';
import { CreateTodoCommand } from '../application/commands/create-todo.command';
import { freshResult } from '../../shared/application/idempotent-executor';
import { TodoSnapshots } from '../application/todo-snapshots';
import { rehydrate } from '../domain/todo';
import type { TodoEvent } from '../domain/todo.events';
import { databaseOf } from '../../../test/support/database';
import type { TestDatabase } from '../../../test/support/database';

describe('ReadViewTodoSnapshots', () => {
  let app: NestExpressApplication;
  let commands: CommandBus;
  let snapshots: TodoSnapshots;
  let store: EventStore;
  let database: TestDatabase;

  beforeAll(async () => {
    app = await startTestApp();
    commands = app.get(CommandBus);
    snapshots = app.get(TodoSnapshots);
    store = app.get(EventStore);
    database = databaseOf(app);
  });

  afterAll(() => app.close());

  const run = (command: CreateTodoCommand | ChangeTitleCommand | CompleteTodoCommand) =>
    freshResult(commands.execute(command));

  const fold = async (id: string) => {
    const history = await store.readStream<TodoEvent>(id);
    return { state: rehydrate(history), version: history.at(-1)?.sequence ?? 0 };
  };

  it('equals the fold of the stream after a random workload', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await run(new CreateTodoCommand(`todo ${i}`))).id);
    // Deterministic pseudo-random sequence of renames and completions, some of them refused.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let step = 0; step < 120; step++) {
      const id = ids[next() % ids.length]!;
      const command =
        next() % 5 === 0
          ? new CompleteTodoCommand(id)
          : new ChangeTitleCommand(id, `title ${next() % 7}`);
      await run(command).catch((error: { code?: string }) => {
        if (error.code !== 'TODO_ALREADY_COMPLETED') throw error;
      });
    }
    for (const id of ids) {
      expect(await snapshots.load(id)).toEqual(await fold(id));
    }
  });

  it('answers nothing for an unknown todo', async () => {
    await expect(snapshots.load(randomUUID())).resolves.toBeUndefined();
  });

  it('answers nothing when the read row is not at the stream version, so commands fold the stream', async () => {
    const todo = await run(new CreateTodoCommand('Stale row'));
    await run(new ChangeTitleCommand(todo.id, 'Second'));
    // Pretend the row lags one event behind (as during a rebuild).
    await database.rows(
      `UPDATE todo_read_views SET version = 1, title = 'Stale row' WHERE id = $1`,
      [todo.id],
    );
    await expect(snapshots.load(todo.id)).resolves.toBeUndefined();

    // The command still decides on the true state (title "Second"), not the stale row.
    const same = await run(new ChangeTitleCommand(todo.id, 'Second'));
    expect(same.version).toBe(2);
    const changed = await run(new ChangeTitleCommand(todo.id, 'Third'));
    expect(changed).toMatchObject({ version: 3, title: 'Third' });
  });
});
