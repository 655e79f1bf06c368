/**
 * The list events this module consumes, with the fields it reads. Declared here, as the todo
 * events are: the stored events are the contract between modules.
 */
export type ListCreatedV1 = {
  type: 'ListCreated';
  data: { listId: string; name: string; createdAt: string };
};
export type ListRenamedV1 = {
  type: 'ListRenamed';
  data: { listId: string; name: string; renamedAt: string };
};
export type ListTodoAddedV1 = {
  type: 'ListTodoAdded';
  data: { listId: string; todoId: string; addedAt: string };
};
export type ListTodoRemovedV1 = {
  type: 'ListTodoRemoved';
  data: { listId: string; todoId: string; removedAt: string };
};
export type ListArchivedV1 = {
  type: 'ListArchived';
  data: { listId: string; archivedAt: string };
};

export type ConsumedListEvent =
  ListCreatedV1 | ListRenamedV1 | ListTodoAddedV1 | ListTodoRemovedV1 | ListArchivedV1;

export const CONSUMED_LIST_EVENT_TYPES: readonly ConsumedListEvent['type'][] = [
  'ListCreated',
  'ListRenamed',
  'ListTodoAdded',
  'ListTodoRemoved',
  'ListArchived',
];
