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

export type TodoEvent = TodoCreated | TodoTitleChanged | TodoCompleted;

export const TODO_EVENT_TYPES: readonly TodoEvent['type'][] = [
  'TodoCreated',
  'TodoTitleChanged',
  'TodoCompleted',
];
