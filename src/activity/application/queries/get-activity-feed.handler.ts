import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { ActivityReadModel } from '../activity-read-model';
import type { ActivityFeed } from '../activity-view';
import { FEED_LIMIT_MAX, GetActivityFeedQuery } from './get-activity-feed.query';

@QueryHandler(GetActivityFeedQuery)
export class GetActivityFeedHandler implements IQueryHandler<GetActivityFeedQuery, ActivityFeed> {
  constructor(private readonly readModel: ActivityReadModel) {}

  async execute({ limit }: GetActivityFeedQuery): Promise<ActivityFeed> {
    const bounded = Math.min(Math.max(Math.trunc(limit), 1), FEED_LIMIT_MAX);
    return { items: await this.readModel.feed(bounded) };
  }
}
