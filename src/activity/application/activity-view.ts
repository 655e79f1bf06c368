export type DailyActivity = { day: string; created: number; completed: number };

export type ActivityChange =
  | 'created'
  | 'renamed'
  | 'completed'
  | 'reopened'
  | 'deleted'
  | 'list-created'
  | 'list-renamed'
  | 'list-todo-added'
  | 'list-todo-removed'
  | 'list-archived';

export type ActivityItem = {
  /** Global position of the event in the log; the feed is newest first by it. */
  position: number;
  /** The todo changed, or added to or removed from a list; absent for other list changes. */
  todoId?: string;
  /** The list changed (`list-…` changes only). */
  listId?: string;
  change: ActivityChange;
  /** The todo's title, or the list's name, after the change; absent where it did not change. */
  title?: string;
  at: string;
};

export type DailyActivityList = { from: string; to: string; days: DailyActivity[] };
export type ActivityFeed = { items: ActivityItem[] };
