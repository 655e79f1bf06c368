export type DailyActivity = { day: string; created: number; completed: number };

export type ActivityChange = 'created' | 'renamed' | 'completed' | 'reopened' | 'deleted';

export type ActivityItem = {
  /** Global position of the event in the log; the feed is newest first by it. */
  position: number;
  todoId: string;
  change: ActivityChange;
  /** The title after the change; absent for completions. */
  title?: string;
  at: string;
};

export type DailyActivityList = { from: string; to: string; days: DailyActivity[] };
export type ActivityFeed = { items: ActivityItem[] };
