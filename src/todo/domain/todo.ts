import { DomainError } from '../../shared/domain/domain-error';
import { normalizeTitle } from './todo-title';

// The todo aggregate in one file, grouped by use case as a decider's parts belong together: each
// section holds a command, the event it raises, the error of its rule and its `decide` step; the
// unions, `evolve` and `decide` at the end list them all. A new command is a new section here.
// Commands are imperative, events plain serialisable data in the past tense (times as ISO-8601
// strings); `now` comes from the caller's clock, never from the domain.

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

// ---------------------------------------------------------------------------------------------
// Rules every command on an existing todo shares

export class TodoNotFoundError extends DomainError {
  readonly code = 'TODO_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(todoId: string) {
    super(`Todo ${todoId} does not exist.`, { todoId });
  }
}

/** The todo was deleted: it takes no more commands and reads as gone; its history stays. */
export class TodoDeletedError extends DomainError {
  readonly code = 'TODO_DELETED';
  readonly kind = 'gone';

  constructor(todoId: string) {
    super(`Todo ${todoId} was deleted.`, { todoId });
  }
}

function existing(state: Todo, todoId: string): ExistingTodo {
  if (state.status === 'Initial') throw new TodoNotFoundError(todoId);
  if (state.status === 'Deleted') throw new TodoDeletedError(todoId);
  return state;
}

// ---------------------------------------------------------------------------------------------
// Create

export type CreateTodo = {
  type: 'CreateTodo';
  data: { todoId: string; title: string; now: Date };
};

export type TodoCreated = {
  type: 'TodoCreated';
  data: { todoId: string; title: string; createdAt: string };
};

export class TodoAlreadyExistsError extends DomainError {
  readonly code = 'TODO_ALREADY_EXISTS';
  readonly kind = 'conflict';

  constructor(todoId: string) {
    super(`Todo ${todoId} already exists.`, { todoId });
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

// ---------------------------------------------------------------------------------------------
// Change the title

export type ChangeTitle = {
  type: 'ChangeTitle';
  data: { todoId: string; title: string; now: Date };
};

export type TodoTitleChanged = {
  type: 'TodoTitleChanged';
  data: { todoId: string; title: string; changedAt: string };
};

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

// ---------------------------------------------------------------------------------------------
// Complete

export type CompleteTodo = {
  type: 'CompleteTodo';
  data: { todoId: string; now: Date };
};

export type TodoCompleted = {
  type: 'TodoCompleted';
  data: { todoId: string; completedAt: string };
};

export class TodoAlreadyCompletedError extends DomainError {
  readonly code = 'TODO_ALREADY_COMPLETED';
  readonly kind = 'conflict';

  constructor(todoId: string) {
    super(`Todo ${todoId} is completed; reopen it to change it.`, { todoId });
  }
}

function complete({ data }: CompleteTodo, state: Todo): TodoEvent[] {
  const todo = existing(state, data.todoId);
  if (todo.status === 'Completed') throw new TodoAlreadyCompletedError(data.todoId);
  return [
    { type: 'TodoCompleted', data: { todoId: data.todoId, completedAt: data.now.toISOString() } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Reopen

export type ReopenTodo = {
  type: 'ReopenTodo';
  data: { todoId: string; now: Date };
};

export type TodoReopened = {
  type: 'TodoReopened';
  data: { todoId: string; reopenedAt: string };
};

export class TodoNotCompletedError extends DomainError {
  readonly code = 'TODO_NOT_COMPLETED';
  readonly kind = 'conflict';

  constructor(todoId: string) {
    super(`Todo ${todoId} is not completed, so it cannot be reopened.`, { todoId });
  }
}

function reopen({ data }: ReopenTodo, state: Todo): TodoEvent[] {
  const todo = existing(state, data.todoId);
  if (todo.status !== 'Completed') throw new TodoNotCompletedError(data.todoId);
  return [
    { type: 'TodoReopened', data: { todoId: data.todoId, reopenedAt: data.now.toISOString() } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Delete

export type DeleteTodo = {
  type: 'DeleteTodo';
  data: { todoId: string; now: Date };
};

/** A tombstone: the todo is gone from reads and takes no more commands; its history stays. */
export type TodoDeleted = {
  type: 'TodoDeleted';
  data: { todoId: string; deletedAt: string };
};

function remove({ data }: DeleteTodo, state: Todo): TodoEvent[] {
  existing(state, data.todoId);
  return [
    { type: 'TodoDeleted', data: { todoId: data.todoId, deletedAt: data.now.toISOString() } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Reads of past versions

export class TodoVersionNotFoundError extends DomainError {
  readonly code = 'TODO_VERSION_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(todoId: string, version: number, currentVersion: number) {
    super(`Todo ${todoId} has no version ${version}; its latest is ${currentVersion}.`, {
      todoId,
      version,
      currentVersion,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The decider

/** What a caller asks of a todo. */
export type TodoCommand = CreateTodo | ChangeTitle | CompleteTodo | ReopenTodo | DeleteTodo;

export type TodoEvent = TodoCreated | TodoTitleChanged | TodoCompleted | TodoReopened | TodoDeleted;

export const TODO_EVENT_TYPES: readonly TodoEvent['type'][] = [
  'TodoCreated',
  'TodoTitleChanged',
  'TodoCompleted',
  'TodoReopened',
  'TodoDeleted',
];

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

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
