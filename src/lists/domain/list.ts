import { DomainError } from '../../shared/domain/domain-error';
import { normalizeListName } from './list-name';

// The todo-list aggregate in one file, grouped by use case as todo's is: each section holds a
// command, the event it raises, the error of its rule and its `decide` step; the unions,
// `evolve` and `decide` at the end list them all. Event type names are global in the log, so
// each starts with `List`. `now` comes from the caller's clock, never from the domain.

/** The most todos one list holds: a list is something a person reads through. */
export const MAX_TODOS_PER_LIST = 1000;

type ListFields = {
  id: string;
  name: string;
  /** Its todos' ids, in the order they were added; each at most once. */
  todoIds: readonly string[];
  createdAt: string;
  updatedAt: string;
};

/** A list is in exactly one of these states. */
export type TodoList =
  | { status: 'Initial' }
  | ({ status: 'Active' } & ListFields)
  | ({ status: 'Archived'; archivedAt: string } & ListFields);

/** A list that exists. */
export type ExistingList = Exclude<TodoList, { status: 'Initial' }>;

export const initialList: TodoList = { status: 'Initial' };

// ---------------------------------------------------------------------------------------------
// Rules every command on an existing list shares

export class ListNotFoundError extends DomainError {
  readonly code = 'LIST_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(listId: string) {
    super(`List ${listId} does not exist.`, { listId });
  }
}

/** An archived list is read-only. */
export class ListArchivedError extends DomainError {
  readonly code = 'LIST_ARCHIVED';
  readonly kind = 'conflict';

  constructor(listId: string) {
    super(`List ${listId} is archived and takes no more changes.`, { listId });
  }
}

function active(state: TodoList, listId: string): Extract<TodoList, { status: 'Active' }> {
  if (state.status === 'Initial') throw new ListNotFoundError(listId);
  if (state.status === 'Archived') throw new ListArchivedError(listId);
  return state;
}

// ---------------------------------------------------------------------------------------------
// Create

export type CreateList = {
  type: 'CreateList';
  data: { listId: string; name: string; now: Date };
};

export type ListCreated = {
  type: 'ListCreated';
  data: { listId: string; name: string; createdAt: string };
};

export class ListAlreadyExistsError extends DomainError {
  readonly code = 'LIST_ALREADY_EXISTS';
  readonly kind = 'conflict';

  constructor(listId: string) {
    super(`List ${listId} already exists.`, { listId });
  }
}

function create({ data }: CreateList, state: TodoList): ListEvent[] {
  if (state.status !== 'Initial') throw new ListAlreadyExistsError(data.listId);
  const name = normalizeListName(data.name);
  return [
    { type: 'ListCreated', data: { listId: data.listId, name, createdAt: data.now.toISOString() } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Rename

export type RenameList = {
  type: 'RenameList';
  data: { listId: string; name: string; now: Date };
};

export type ListRenamed = {
  type: 'ListRenamed';
  data: { listId: string; name: string; renamedAt: string };
};

function rename({ data }: RenameList, state: TodoList): ListEvent[] {
  const list = active(state, data.listId);
  const name = normalizeListName(data.name);
  if (name === list.name) return [];
  return [
    { type: 'ListRenamed', data: { listId: data.listId, name, renamedAt: data.now.toISOString() } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Add a todo

/** A todo as the todo read side showed it when it was added. */
export type SeenTodo = { title: string; completed: boolean; version: number };

/** Add a todo at the end of the list; the caller has checked that the todo exists. */
export type AddTodoToList = {
  type: 'AddTodoToList';
  data: { listId: string; todoId: string; todo: SeenTodo; now: Date };
};

/**
 * A todo joined the list, at its end. `todo` is the todo as the list saw it, so that the list
 * shows it at once, before the list views have read the todo's own events; `todo.version`
 * tells which of the two is newer.
 */
export type ListTodoAdded = {
  type: 'ListTodoAdded';
  data: { listId: string; todoId: string; todo: SeenTodo; addedAt: string };
};

/** The list holds as many todos as a list may; remove one first. */
export class ListFullError extends DomainError {
  readonly code = 'LIST_FULL';
  readonly kind = 'conflict';

  constructor(listId: string, maxTodos: number) {
    super(`List ${listId} already holds ${maxTodos} todos, the most a list may hold.`, {
      listId,
      maxTodos,
    });
  }
}

function add({ data }: AddTodoToList, state: TodoList): ListEvent[] {
  const list = active(state, data.listId);
  // A todo is in a list at most once; adding it again changes nothing.
  if (list.todoIds.includes(data.todoId)) return [];
  if (list.todoIds.length >= MAX_TODOS_PER_LIST) {
    throw new ListFullError(data.listId, MAX_TODOS_PER_LIST);
  }
  return [
    {
      type: 'ListTodoAdded',
      data: {
        listId: data.listId,
        todoId: data.todoId,
        todo: data.todo,
        addedAt: data.now.toISOString(),
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Remove a todo

export type RemoveTodoFromList = {
  type: 'RemoveTodoFromList';
  data: { listId: string; todoId: string; now: Date };
};

export type ListTodoRemoved = {
  type: 'ListTodoRemoved';
  data: { listId: string; todoId: string; removedAt: string };
};

function remove({ data }: RemoveTodoFromList, state: TodoList): ListEvent[] {
  const list = active(state, data.listId);
  // Removing a todo that is not in the list changes nothing, as adding one twice does.
  if (!list.todoIds.includes(data.todoId)) return [];
  return [
    {
      type: 'ListTodoRemoved',
      data: { listId: data.listId, todoId: data.todoId, removedAt: data.now.toISOString() },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Archive

export type ArchiveList = {
  type: 'ArchiveList';
  data: { listId: string; completeOpenTodos: boolean; now: Date };
};

/**
 * The list was archived and takes no more changes. `todoIds` are its todos at that moment, in
 * order; with `completeOpenTodos` a policy then completes the open ones.
 */
export type ListArchived = {
  type: 'ListArchived';
  data: { listId: string; completeOpenTodos: boolean; todoIds: string[]; archivedAt: string };
};

function archive({ data }: ArchiveList, state: TodoList): ListEvent[] {
  const list = active(state, data.listId);
  return [
    {
      type: 'ListArchived',
      data: {
        listId: data.listId,
        completeOpenTodos: data.completeOpenTodos,
        todoIds: [...list.todoIds],
        archivedAt: data.now.toISOString(),
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The decider

export type ListCommand =
  CreateList | RenameList | AddTodoToList | RemoveTodoFromList | ArchiveList;

export type ListEvent = ListCreated | ListRenamed | ListTodoAdded | ListTodoRemoved | ListArchived;

export const LIST_EVENT_TYPES: readonly ListEvent['type'][] = [
  'ListCreated',
  'ListRenamed',
  'ListTodoAdded',
  'ListTodoRemoved',
  'ListArchived',
];

/** Folds one event into the state. Events are facts: this never throws on a valid stream. */
export function evolve(state: TodoList, event: ListEvent): TodoList {
  if (event.type === 'ListCreated') {
    const { listId, name, createdAt } = event.data;
    return { status: 'Active', id: listId, name, todoIds: [], createdAt, updatedAt: createdAt };
  }
  if (state.status === 'Initial') return state;
  switch (event.type) {
    case 'ListRenamed':
      return { ...state, name: event.data.name, updatedAt: event.data.renamedAt };
    case 'ListTodoAdded':
      return {
        ...state,
        todoIds: [...state.todoIds, event.data.todoId],
        updatedAt: event.data.addedAt,
      };
    case 'ListTodoRemoved':
      return {
        ...state,
        todoIds: state.todoIds.filter((id) => id !== event.data.todoId),
        updatedAt: event.data.removedAt,
      };
    case 'ListArchived':
      return {
        ...state,
        status: 'Archived',
        archivedAt: event.data.archivedAt,
        updatedAt: event.data.archivedAt,
      };
    default:
      return assertNever(event);
  }
}

/** Checks the command against the current state and returns the events it raises. */
export function decide(command: ListCommand, state: TodoList): ListEvent[] {
  switch (command.type) {
    case 'CreateList':
      return create(command, state);
    case 'RenameList':
      return rename(command, state);
    case 'AddTodoToList':
      return add(command, state);
    case 'RemoveTodoFromList':
      return remove(command, state);
    case 'ArchiveList':
      return archive(command, state);
    default:
      return assertNever(command);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
