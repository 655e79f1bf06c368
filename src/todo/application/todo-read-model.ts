import type { PagePosition } from '../../shared/application/page-cursor';
import type { JsonText } from '../../shared/application/json-text';
import type { TodoView } from './todo-view';

/**
 * A position in the newest-first order: creation time (to the microsecond, as stored) and id.
 * The order is total, so a page that starts after a position never repeats or skips a row that
 * existed when the walk began, whatever is inserted meanwhile.
 */
export type TodoListPosition = PagePosition;

export type TodoListFilter = {
  completed?: boolean;
  limit: number;
  /** Start after this position (keyset pagination); leave out for the first page. */
  after?: TodoListPosition;
};

export type TodoListPage = {
  /** The todos of the page, newest first, as one JSON array. */
  items: JsonText<TodoView[]>;
  /** Position of the last item when more rows follow; absent on the last page. */
  next?: TodoListPosition;
};

/** Port to the read side (`todo_read_views`); queries never touch the event log. */
export abstract class TodoReadModel {
  /** The todo; `undefined` when it never existed or was deleted. */
  abstract findById(id: string): Promise<TodoView | undefined>;
  /** The todo's current version alone; `undefined` when it never existed or was deleted. */
  abstract findVersion(id: string): Promise<number | undefined>;
  /** Whether the todo was deleted (its tombstone is kept, the todo is not). */
  abstract isDeleted(id: string): Promise<boolean>;
  /** Newest first (creation time, then id), optionally filtered by `completed`. */
  abstract list(filter: TodoListFilter): Promise<TodoListPage>;
}
