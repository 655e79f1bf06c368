import type { QueryBus } from '@nestjs/cqrs';
import {
  DeciderCommandHandler,
  InMemoryEventStore,
  InMemoryIdempotencyStore,
  PreconditionFailedError,
} from '../../event-store';
import type { Clock } from '../../shared/application/clock';
import type { IdGenerator } from '../../shared/application/id-generator';
import type { GetTodoQuery } from '../../todo/application/queries/get-todo.query';
import type { TodoView } from '../../todo/application/todo-view';
import { TodoDeletedError, TodoNotFoundError } from '../../todo/domain/todo.errors';
import { ListArchivedError } from '../domain/list.errors';
import { AddTodoToListHandler, AddTodoToListCommand } from './commands/add-todo-to-list';
import { ArchiveListHandler, ArchiveListCommand } from './commands/archive-list';
import { CreateListCommand, CreateListHandler } from './commands/create-list';
import { ListReadModel } from './list-read-model';
import type { ListTodoView } from './list-view';
import { ListWriter } from './list-writer';

const LIST = '0f8e4c1a-7d2b-4e5f-9a3c-6b1d2e3f4a5b';
const TODO_A = '6a1b8a9e-0c4e-4f57-9b7f-2f0a6c1d2e3f';
const TODO_B = '7b2c9baf-1d5f-4068-8c80-3f1b7d2e3f40';

/** The read side of the todos this test knows, answering like the todo module's query. */
function todoQueries(todos: Record<string, TodoView | 'deleted'>): QueryBus {
  return {
    execute: (query: GetTodoQuery) => {
      const todo = todos[query.todoId];
      if (todo === 'deleted') return Promise.reject(new TodoDeletedError(query.todoId));
      if (!todo) return Promise.reject(new TodoNotFoundError(query.todoId));
      return Promise.resolve(todo);
    },
  } as unknown as QueryBus;
}

/** A read model that shows each todo as the test says. */
class Cards extends ListReadModel {
  constructor(private readonly titles: Record<string, string>) {
    super();
  }
  findById = () => Promise.resolve(undefined);
  list = () => Promise.resolve({ items: [] });
  todosOf(_listId: string, ids: readonly string[]): Promise<ListTodoView[]> {
    return Promise.resolve(
      ids.map((id) => ({ id, title: this.titles[id] ?? '?', completed: false })),
    );
  }
}

const todoView = (id: string, title: string): TodoView => ({
  id,
  title,
  completed: false,
  version: 1,
  createdAt: '2026-11-27T09:00:00.000Z',
  updatedAt: '2026-11-27T09:00:00.000Z',
});

describe('list commands on the in-memory event store', () => {
  const setup = (todos: Record<string, TodoView | 'deleted'>) => {
    const store = new InMemoryEventStore();
    const commands = new DeciderCommandHandler(store, new InMemoryIdempotencyStore());
    const clock: Clock = { now: () => new Date('2026-11-27T10:00:00.000Z') };
    const ids: IdGenerator = { newId: () => LIST };
    const writer = new ListWriter(commands, new Cards({ [TODO_A]: 'Milk (now)' }), clock, ids);
    return {
      store,
      create: new CreateListHandler(writer),
      add: new AddTodoToListHandler(writer, todoQueries(todos)),
      archive: new ArchiveListHandler(writer),
    };
  };

  it('creates a list on a stream of type list and adds a todo as the todo side shows it', async () => {
    const { store, create, add } = setup({ [TODO_A]: todoView(TODO_A, 'Milk') });
    const created = await create.execute(new CreateListCommand('Groceries'));
    expect(created.view).toMatchObject({ id: LIST, name: 'Groceries', version: 1, todos: [] });

    const added = await add.execute(new AddTodoToListCommand(LIST, TODO_A));
    expect(added.newEvents.map((event) => [event.type, event.data])).toEqual([
      [
        'ListTodoAdded',
        {
          listId: LIST,
          todoId: TODO_A,
          todo: { title: 'Milk', completed: false, version: 1 },
          addedAt: '2026-11-27T10:00:00.000Z',
        },
      ],
    ]);
    // The answer shows the todo as the read side has it now.
    expect(added.view.todos).toEqual([{ id: TODO_A, title: 'Milk (now)', completed: false }]);
    expect(added.view.counts).toEqual({ total: 1, completed: 0 });
    const stream = await store.readStream(LIST);
    expect(stream.map((event) => event.streamType)).toEqual(['list', 'list']);
  });

  it('refuses a todo that does not exist, or was deleted, as todo-not-found, and writes nothing', async () => {
    const { store, create, add } = setup({ [TODO_B]: 'deleted' });
    await create.execute(new CreateListCommand('Groceries'));
    for (const todo of [TODO_A, TODO_B]) {
      await expect(add.execute(new AddTodoToListCommand(LIST, todo))).rejects.toBeInstanceOf(
        TodoNotFoundError,
      );
    }
    expect(await store.readStream(LIST)).toHaveLength(1);
  });

  it('honours If-Match versions and refuses changes to an archived list', async () => {
    const { create, add, archive } = setup({ [TODO_A]: todoView(TODO_A, 'Milk') });
    await create.execute(new CreateListCommand('Groceries'));
    await expect(
      add.execute(new AddTodoToListCommand(LIST, TODO_A, { expectedVersions: [2] })),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    const archived = await archive.execute(new ArchiveListCommand(LIST, true));
    expect(archived.view.archived).toBe(true);
    expect(archived.newEvents[0]?.data).toMatchObject({ completeOpenTodos: true, todoIds: [] });
    await expect(add.execute(new AddTodoToListCommand(LIST, TODO_A))).rejects.toBeInstanceOf(
      ListArchivedError,
    );
  });

  it('replays a retry with the same idempotency key instead of writing again', async () => {
    const { store, create } = setup({});
    const idempotency = { key: 'k-1', fingerprint: 'f' };
    const first = await create.execute(new CreateListCommand('Once', idempotency));
    const retry = await create.execute(new CreateListCommand('Once', idempotency));
    expect(retry).toMatchObject({ replayed: true, version: 1, view: first.view });
    expect(await store.readStream(LIST)).toHaveLength(1);
  });
});
