import type { ExistingList } from '../domain/list';

/** A todo as a list shows it: its current title and whether it is completed. */
export type ListTodoView = { id: string; title: string; completed: boolean };

export type ListCounts = { total: number; completed: number };

/** A list as the application returns it: its todos in order, with counts. */
export type ListView = {
  id: string;
  name: string;
  archived: boolean;
  /** The list's version: the sequence of its last event. Todo changes do not move it. */
  version: number;
  createdAt: string;
  updatedAt: string;
  todos: ListTodoView[];
  counts: ListCounts;
};

/** A list in a page of lists: everything but its todos. */
export type ListSummary = Omit<ListView, 'todos'>;

export type ListPage = {
  items: ListSummary[];
  /** Opaque; pass it back to get the next page. `null` on the last page. */
  nextCursor: string | null;
};

/** Counts of what a list shows. */
export function countsOf(todos: readonly ListTodoView[]): ListCounts {
  return { total: todos.length, completed: todos.filter((todo) => todo.completed).length };
}

/** The list at `version` with the todos the read side shows for it. */
export function toListView(
  list: ExistingList,
  version: number,
  todos: readonly ListTodoView[],
): ListView {
  return {
    id: list.id,
    name: list.name,
    archived: list.status === 'Archived',
    version,
    createdAt: list.createdAt,
    updatedAt: list.updatedAt,
    todos: [...todos],
    counts: countsOf(todos),
  };
}
