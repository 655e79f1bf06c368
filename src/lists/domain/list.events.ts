/**
 * What happened to a todo list, as stored in its stream (type `list`). Type names are global in
 * the log, so each starts with `List`.
 */
export type ListCreated = {
  type: 'ListCreated';
  data: { listId: string; name: string; createdAt: string };
};

export type ListRenamed = {
  type: 'ListRenamed';
  data: { listId: string; name: string; renamedAt: string };
};

/**
 * A todo joined the list, at its end. `todo` is the todo as the list saw it when it was added
 * (from the todo read side), so that the list can show it at once, before the list views have
 * read the todo's own events; `todo.version` tells which of the two is newer.
 */
export type ListTodoAdded = {
  type: 'ListTodoAdded';
  data: {
    listId: string;
    todoId: string;
    todo: { title: string; completed: boolean; version: number };
    addedAt: string;
  };
};

export type ListTodoRemoved = {
  type: 'ListTodoRemoved';
  data: { listId: string; todoId: string; removedAt: string };
};

/**
 * The list was archived and takes no more changes. `todoIds` are its todos at that moment, in
 * order; with `completeOpenTodos` a policy then completes the open ones.
 */
export type ListArchived = {
  type: 'ListArchived';
  data: { listId: string; completeOpenTodos: boolean; todoIds: string[]; archivedAt: string };
};

export type ListEvent = ListCreated | ListRenamed | ListTodoAdded | ListTodoRemoved | ListArchived;

export const LIST_EVENT_TYPES: readonly ListEvent['type'][] = [
  'ListCreated',
  'ListRenamed',
  'ListTodoAdded',
  'ListTodoRemoved',
  'ListArchived',
];
