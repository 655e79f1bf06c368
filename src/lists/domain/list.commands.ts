/** What a caller asks of a list. `now` comes from the caller's clock, never from the domain. */
export type CreateList = {
  type: 'CreateList';
  data: { listId: string; name: string; now: Date };
};

export type RenameList = {
  type: 'RenameList';
  data: { listId: string; name: string; now: Date };
};

/**
 * Add a todo at the end of the list. `todo` is the todo as the todo read side shows it now; the
 * caller has checked that it exists.
 */
export type AddTodoToList = {
  type: 'AddTodoToList';
  data: {
    listId: string;
    todoId: string;
    todo: { title: string; completed: boolean; version: number };
    now: Date;
  };
};

export type RemoveTodoFromList = {
  type: 'RemoveTodoFromList';
  data: { listId: string; todoId: string; now: Date };
};

export type ArchiveList = {
  type: 'ArchiveList';
  data: { listId: string; completeOpenTodos: boolean; now: Date };
};

export type ListCommand =
  CreateList | RenameList | AddTodoToList | RemoveTodoFromList | ArchiveList;
