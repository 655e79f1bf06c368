import type {
  ChangeTitle,
  CompleteTodo,
  CreateTodo,
  DeleteTodo,
  ReopenTodo,
  TodoCommand,
} from './todo.commands';
import {
  TodoAlreadyCompletedError,
  TodoAlreadyExistsError,
  TodoDeletedError,
  TodoNotCompletedError,
  TodoNotFoundError,
} from './todo.errors';
import type { TodoEvent } from './todo.events';
import { normalizeTitle } from './todo-title';

type TodoFields = {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
};

/** A todo is in exactly one of these states; there is no "maybe completed" flag to forget. */
export type Todo =
  | { status: 'Initial' }
  | ({ status: 'Open' } & TodoFields)
  | ({ status: 'Completed'; completedAt: string } & TodoFields)
  | ({ status: 'Deleted'; deletedAt: string } & TodoFields);

/** A todo that exists and can be read and changed. */
export type ExistingTodo = Exclude<Todo, { status: 'Initial' } | { status: 'Deleted' }>;

export const initialTodo: Todo = { status: 'Initial' };

/** Folds one event into the state. Events are facts: this never throws on a valid stream. */
export function evolve(state: Todo, event: TodoEvent): Todo {
  switch (event.type) {
    case 'TodoCreated':
      return {
        status: 'Open',
        id: event.data.todoId,
        title: event.data.title,
        createdAt: event.data.createdAt,
        updatedAt: event.data.createdAt,
      };
    case 'TodoTitleChanged':
      if (state.status === 'Initial' || state.status === 'Deleted') return state;
      return { ...state, title: event.data.title, updatedAt: event.data.changedAt };
    case 'TodoCompleted':
      if (state.status === 'Initial' || state.status === 'Deleted') return state;
      return {
        ...state,
        status: 'Completed',
        completedAt: event.data.completedAt,
        updatedAt: event.data.completedAt,
      };
    case 'TodoReopened': {
      if (state.status !== 'Completed') return state;
      const { id, title, createdAt } = state;
      return { status: 'Open', id, title, createdAt, updatedAt: event.data.reopenedAt };
    }
    case 'TodoDeleted': {
      if (state.status === 'Initial') return state;
      const { id, title, createdAt } = state;
      const at = event.data.deletedAt;
      return { status: 'Deleted', id, title, createdAt, updatedAt: at, deletedAt: at };
    }
    default:
      return assertNever(event);
  }
}

export function rehydrate(events: readonly TodoEvent[]): Todo {
  return events.reduce(evolve, initialTodo);
}

/** Checks the command against the current state and returns the events it raises. */
export function decide(command: TodoCommand, state: Todo): TodoEvent[] {
  switch (command.type) {
    case 'CreateTodo':
      return create(command, state);
    case 'ChangeTitle':
      return changeTitle(command, state);
    case 'CompleteTodo':
      return complete(command, state);
    case 'ReopenTodo':
      return reopen(command, state);
    case 'DeleteTodo':
      return remove(command, state);
    default:
      return assertNever(command);
  }
}

function create({ data }: CreateTodo, state: Todo): TodoEvent[] {
  if (state.status !== 'Initial') throw new TodoAlreadyExistsError(data.todoId);
  const title = normalizeTitle(data.title);
  return [
    {
      type: 'TodoCreated',
      data: { todoId: data.todoId, title, createdAt: data.now.toISOString() },
    },
  ];
}

function changeTitle({ data }: ChangeTitle, state: Todo): TodoEvent[] {
  const todo = existing(state, data.todoId);
  if (todo.status === 'Completed') throw new TodoAlreadyCompletedError(data.todoId);
  const title = normalizeTitle(data.title);
  if (title === todo.title) return [];
  return [
    {
      type: 'TodoTitleChanged',
      data: { todoId: data.todoId, title, changedAt: data.now.toISOString() },
    },
  ];
}

function complete({ data }: CompleteTodo, state: Todo): TodoEvent[] {
  const todo = existing(state, data.todoId);
  if (todo.status === 'Completed') throw new TodoAlreadyCompletedError(data.todoId);
  return [
    { type: 'TodoCompleted', data: { todoId: data.todoId, completedAt: data.now.toISOString() } },
  ];
}

function reopen({ data }: ReopenTodo, state: Todo): TodoEvent[] {
  const todo = existing(state, data.todoId);
  if (todo.status !== 'Completed') throw new TodoNotCompletedError(data.todoId);
  return [
    { type: 'TodoReopened', data: { todoId: data.todoId, reopenedAt: data.now.toISOString() } },
  ];
}

function remove({ data }: DeleteTodo, state: Todo): TodoEvent[] {
  existing(state, data.todoId);
  return [
    { type: 'TodoDeleted', data: { todoId: data.todoId, deletedAt: data.now.toISOString() } },
  ];
}

function existing(state: Todo, todoId: string): ExistingTodo {
  if (state.status === 'Initial') throw new TodoNotFoundError(todoId);
  if (state.status === 'Deleted') throw new TodoDeletedError(todoId);
  return state;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
