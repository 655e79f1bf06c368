/** Events are plain, serialisable data, named in the past tense. Times are ISO-8601 strings. */
export type TodoCreated = {
  type: 'TodoCreated';
  data: { todoId: string; title: string; createdAt: string };
};

export type TodoTitleChanged = {
  type: 'TodoTitleChanged';
  data: { todoId: string; title: string; changedAt: string };
};

export type TodoCompleted = {
  type: 'TodoCompleted';
  data: { todoId: string; completedAt: string };
};

export type TodoReopened = {
  type: 'TodoReopened';
  data: { todoId: string; reopenedAt: string };
};

/** A tombstone: the todo is gone from reads and takes no more commands; its history stays. */
export type TodoDeleted = {
  type: 'TodoDeleted';
  data: { todoId: string; deletedAt: string };
};

export type TodoEvent = TodoCreated | TodoTitleChanged | TodoCompleted | TodoReopened | TodoDeleted;

export const TODO_EVENT_TYPES: readonly TodoEvent['type'][] = [
  'TodoCreated',
  'TodoTitleChanged',
  'TodoCompleted',
  'TodoReopened',
  'TodoDeleted',
];
