import type { TodoView } from './todo-view';

export type TodoListFilter = {
  completed?: boolean;
  limit: number;
};

/** Port to the read side (`todo_read_views`); queries never touch the event log. */
export abstract class TodoReadModel {
  abstract findById(id: string): Promise<TodoView | undefined>;
  /** Newest first (creation time, then id), optionally filtered by `completed`. */
  abstract list(filter: TodoListFilter): Promise<TodoView[]>;
}
