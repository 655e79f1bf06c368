import type { JsonText } from '../../shared/application/json-text';
import type { ExistingTodo } from '../domain/todo';

/** A todo as the application returns it to its callers. */
export type TodoView = {
  id: string;
  title: string;
  completed: boolean;
  /** The aggregate's version: the sequence of its last event. */
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type TodoList = {
  /** The page's todos as one JSON array, as the read model serialised them. */
  items: JsonText<TodoView[]>;
  /** Opaque; pass it back to get the next page. `null` on the last page. */
  nextCursor: string | null;
};

/** One recorded event of a todo, as its history shows it. */
export type TodoHistoryEntry = {
  sequence: number;
  type: string;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
};

export type TodoHistory = {
  items: TodoHistoryEntry[];
  /** The `after` of the next page; `null` when this page reaches the end of the stream. */
  nextAfter: number | null;
};

export function toTodoView(todo: ExistingTodo, version: number): TodoView {
  return {
    id: todo.id,
    title: todo.title,
    completed: todo.status === 'Completed',
    version,
    createdAt: todo.createdAt,
    updatedAt: todo.updatedAt,
  };
}
