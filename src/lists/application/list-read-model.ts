import type { PagePosition } from '../../shared/application/page-cursor';
import type { ListSummary, ListTodoView, ListView } from './list-view';

/** A position in the newest-first order of lists: creation time (to the microsecond) and id. */
export type ListPosition = PagePosition;

export type ListFilter = {
  archived?: boolean;
  limit: number;
  /** Start after this position (keyset pagination); leave out for the first page. */
  after?: ListPosition;
};

export type ListSummaryPage = {
  items: ListSummary[];
  /** Position of the last item when more rows follow; absent on the last page. */
  next?: ListPosition;
};

/**
 * Port to the list views: the lists and their members (kept in the list's own appending
 * transaction) joined with the todos as the `lists_todos` subscription last saw them.
 */
export abstract class ListReadModel {
  /** The list with its todos in order; `undefined` when it does not exist. */
  abstract findById(id: string): Promise<ListView | undefined>;
  /**
   * The todos of `todoIds`, in that order, as list `listId` shows them; deleted todos are left
   * out. For answering a write from the list's state at the version it left.
   */
  abstract todosOf(listId: string, todoIds: readonly string[]): Promise<ListTodoView[]>;
  /** Newest first (creation time, then id), optionally filtered by `archived`. */
  abstract list(filter: ListFilter): Promise<ListSummaryPage>;
}
