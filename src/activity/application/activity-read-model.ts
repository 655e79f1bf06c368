import type { ActivityItem, DailyActivity } from './activity-view';

/** Read side of the activity module; implemented over its own tables. */
export abstract class ActivityReadModel {
  /** Days with activity between `from` and `to` (inclusive, UTC dates `YYYY-MM-DD`), oldest first. */
  abstract daily(from: string, to: string): Promise<DailyActivity[]>;
  /** The most recent changes, newest first. */
  abstract feed(limit: number): Promise<ActivityItem[]>;
}
