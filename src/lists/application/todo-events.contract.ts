/**
 * The todo events this module reads, with only the fields it reads. Declared here instead of
 * imported from the todo module: the stored events are the contract between modules.
 */
export type ConsumedTodoEvent =
  | { type: 'TodoCreated'; data: { title: string } }
  | { type: 'TodoTitleChanged'; data: { title: string } }
  | { type: 'TodoCompleted'; data: Record<string, unknown> }
  | { type: 'TodoReopened'; data: Record<string, unknown> }
  | { type: 'TodoDeleted'; data: Record<string, unknown> };

export const CONSUMED_TODO_EVENT_TYPES: readonly ConsumedTodoEvent['type'][] = [
  'TodoCreated',
  'TodoTitleChanged',
  'TodoCompleted',
  'TodoReopened',
  'TodoDeleted',
];
