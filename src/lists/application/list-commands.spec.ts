import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  DeciderCommandBusHandler,
  DeciderCommandHandler,
  InMemoryEventStore,
  InMemoryIdempotencyStore,
  PreconditionFailedError,
} from '../../event-store';
import type { CommandEnvironment, DeciderCommand, Event } from '../../event-store';
import type { GetTodoQuery } from '../../todo/application/queries/get-todo.query';
import type { TodoView } from '../../todo/application/todo-view';
import { TodoDeletedError, TodoNotFoundError } from '../../todo/domain/todo';
import { ListArchivedError } from '../domain/list';
import { AddTodoToListCommand, AddTodoToListHandler } from './commands/add-todo-to-list';
import { ArchiveListCommand } from './commands/archive-list';
import { CreateListCommand } from './commands/create-list';
import { ListReadModel } from './list-read-model';
import type { ListTodoView } from './list-view';
import type { ListWriteResult } from './list-write';
import { ShowWrittenListHandler, ShowWrittenListQuery } from './queries/show-written-list';

const LIST = '0f8e4c1a-7d2b-4e5f-9a3c-6b1d2e3f4a5b';
const TODO_A = '6a1b8a9e-0c4e-4f57-9b7f-2f0a6c1d2e3f';
const TODO_B = '7b2c9baf-1d5f-4068-8c80-3f1b7d2e3f40';

const environment: CommandEnvironment = {
  now: () => new Date('2026-11-27T10:00:00.000Z'),
  newId: () => LIST,
  metadata: (command) => ({ command }),
};

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

/** A read model that shows each todo under the title the test gives. */
class Cards extends ListReadModel {
  findById = () => Promise.resolve(undefined);
  list = () => Promise.resolve({ items: [] });
  todosOf(_listId: string, ids: readonly string[]): Promise<ListTodoView[]> {
    return Promise.resolve(ids.map((id) => ({ id, title: `${id} now`, completed: false })));
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

/** The list commands as the service runs them: the generic bus handler on the in-memory store. */
function setup(todos: Record<string, TodoView | 'deleted'>) {
  const store = new InMemoryEventStore();
  const generic = new DeciderCommandBusHandler(
    new DeciderCommandHandler(store, new InMemoryIdempotencyStore()),
    environment,
  );
  const send = (command: unknown): Promise<ListWriteResult> =>
    (command instanceof AddTodoToListCommand
      ? adder.execute(command)
      : generic.execute(
          command as DeciderCommand<unknown, { type: string }, Event>,
        )) as Promise<ListWriteResult>;
  const adder = new AddTodoToListHandler(
    { execute: send } as unknown as CommandBus,
    todoQueries(todos),
  );
  return { store, send };
}

describe('list commands on the in-memory event store', () => {
  it('creates a list on a stream of type list and adds a todo as the todo side shows it', async () => {
    const { store, send } = setup({ [TODO_A]: todoView(TODO_A, 'Milk') });
    const created = await send(new CreateListCommand('Groceries'));
    expect(created).toMatchObject({ version: 1, state: { status: 'Active', name: 'Groceries' } });

    const added = await send(new AddTodoToListCommand(LIST, TODO_A));
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
    const stream = await store.readStream(LIST);
    expect(stream.map((event) => [event.streamType, event.metadata.command])).toEqual([
      ['list', 'CreateList'],
      ['list', 'AddTodoToList'],
    ]);
    // The answer shows the list at the write's version, with its todos as the read side has them.
    const view = await new ShowWrittenListHandler(new Cards()).execute(
      new ShowWrittenListQuery(added),
    );
    expect(view).toMatchObject({
      id: LIST,
      version: 2,
      todos: [{ id: TODO_A, title: `${TODO_A} now`, completed: false }],
      counts: { total: 1, completed: 0 },
    });
  });

  it('refuses a todo that does not exist, or was deleted, as todo-not-found, and writes nothing', async () => {
    const { store, send } = setup({ [TODO_B]: 'deleted' });
    await send(new CreateListCommand('Groceries'));
    for (const todo of [TODO_A, TODO_B]) {
      await expect(send(new AddTodoToListCommand(LIST, todo))).rejects.toBeInstanceOf(
        TodoNotFoundError,
      );
    }
    expect(await store.readStream(LIST)).toHaveLength(1);
  });

  it('honours If-Match versions and refuses changes to an archived list', async () => {
    const { send } = setup({ [TODO_A]: todoView(TODO_A, 'Milk') });
    await send(new CreateListCommand('Groceries'));
    await expect(
      send(new AddTodoToListCommand(LIST, TODO_A, { expectedVersions: [2] })),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    const archived = await send(new ArchiveListCommand(LIST, true));
    expect(archived.state.status).toBe('Archived');
    expect(archived.newEvents[0]?.data).toMatchObject({ completeOpenTodos: true, todoIds: [] });
    await expect(send(new AddTodoToListCommand(LIST, TODO_A))).rejects.toBeInstanceOf(
      ListArchivedError,
    );
  });

  it('replays a retry with the same idempotency key instead of writing again', async () => {
    const { store, send } = setup({});
    const idempotency = { key: 'k-1', fingerprint: 'f' };
    const first = await send(new CreateListCommand('Once', idempotency));
    const retry = await send(new CreateListCommand('Once', idempotency));
    expect(retry).toMatchObject({ replayed: true, version: 1, state: first.state });
    expect(await store.readStream(LIST)).toHaveLength(1);
  });
});
