/**
 * The Todo events this module consumes, as this module reads them. Declared here instead of
 * imported from the todo module: the stored events are the contract between the two modules,
 * and this module depends on nothing else of todo/.
 */
export type TodoCreatedV1 = {
  type: 'TodoCreated';
  data: { todoId: string; title: string; createdAt: string };
};
export type TodoTitleChangedV1 = {
  type: 'TodoTitleChanged';
  data: { todoId: string; title: string; changedAt: string };
};
export type TodoCompletedV1 = {
  type: 'TodoCompleted';
  data: { todoId: string; completedAt: string };
};

export type TodoReopenedV1 = {
  type: 'TodoReopened';
  data: { todoId: string; reopenedAt: string };
};
export type TodoDeletedV1 = {
  type: 'TodoDeleted';
  data: { todoId: string; deletedAt: string };
};

export type ConsumedTodoEvent =
  TodoCreatedV1 | TodoTitleChangedV1 | TodoCompletedV1 | TodoReopenedV1 | TodoDeletedV1;

export const CONSUMED_TODO_EVENT_TYPES: readonly ConsumedTodoEvent['type'][] = [
  'TodoCreated',
  'TodoTitleChanged',
  'TodoCompleted',
  'TodoReopened',
  'TodoDeleted',
];
