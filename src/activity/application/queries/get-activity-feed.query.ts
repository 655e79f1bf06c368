import { Query } from '@nestjs/cqrs';
import type { ActivityFeed } from '../activity-view';

export const FEED_LIMIT_DEFAULT = 20;
export const FEED_LIMIT_MAX = 100;

export class GetActivityFeedQuery extends Query<ActivityFeed> {
  constructor(readonly limit: number = FEED_LIMIT_DEFAULT) {
    super();
  }
}
