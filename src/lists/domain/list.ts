import type {
  AddTodoToList,
  ArchiveList,
  CreateList,
  ListCommand,
  RemoveTodoFromList,
  RenameList,
} from './list.commands';
import {
  ListAlreadyExistsError,
  ListArchivedError,
  ListFullError,
  ListNotFoundError,
} from './list.errors';
import type { ListEvent } from './list.events';
import { normalizeListName } from './list-name';

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

function create({ data }: CreateList, state: TodoList): ListEvent[] {
  if (state.status !== 'Initial') throw new ListAlreadyExistsError(data.listId);
  const name = normalizeListName(data.name);
  return [
    { type: 'ListCreated', data: { listId: data.listId, name, createdAt: data.now.toISOString() } },
  ];
}

function rename({ data }: RenameList, state: TodoList): ListEvent[] {
  const list = active(state, data.listId);
  const name = normalizeListName(data.name);
  if (name === list.name) return [];
  return [
    { type: 'ListRenamed', data: { listId: data.listId, name, renamedAt: data.now.toISOString() } },
  ];
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

function active(state: TodoList, listId: string): Extract<TodoList, { status: 'Active' }> {
  if (state.status === 'Initial') throw new ListNotFoundError(listId);
  if (state.status === 'Archived') throw new ListArchivedError(listId);
  return state;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
