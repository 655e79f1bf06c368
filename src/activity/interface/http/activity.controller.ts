import { RequiresScope } from '../../../auth/requires-scope.decorator';
import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiProblem,
  PROBLEM_EXAMPLES as P,
} from '../../../shared/interface/http/api-problem.decorator';
import { problemType } from '../../../shared/interface/http/problem-details';
import type { ActivityFeed, DailyActivityList } from '../../application/activity-view';
import { GetActivityFeedQuery } from '../../application/queries/get-activity-feed.query';
import { FEED_LIMIT_DEFAULT } from '../../application/queries/get-activity-feed.query';
import { GetDailyActivityQuery } from '../../application/queries/get-daily-activity.query';
import { ActivityFeedQueryDto } from './dto/activity-feed.query.dto';
import { ActivityFeedDto, DailyActivityListDto } from './dto/activity.response.dto';
import { DailyActivityQueryDto } from './dto/daily-activity.query.dto';

const RANGE_INVALID = {
  type: problemType('activity-range-invalid'),
  title: 'Activity range invalid',
  status: 400,
  detail: 'The range 2026-11-30..2026-11-01 is invalid: it ends before it starts.',
  instance: '/activity/daily?from=2026-11-30&to=2026-11-01',
  code: 'ACTIVITY_RANGE_INVALID',
};

/**
 * Read-only views built by the activity subscription. They follow the log asynchronously: a
 * change shows up here shortly after it is committed, not in the same transaction.
 */
@ApiTags('activity')
@ApiProblem(500, 'Unexpected failure; details are logged, not returned.', [P.internal])
@RequiresScope('activity:read')
@Controller('activity')
export class ActivityController {
  constructor(private readonly queries: QueryBus) {}

  @Get('daily')
  @ApiOperation({
    summary: 'Todos created and completed per day (UTC)',
    description:
      'Only days with activity are listed, oldest first. The range defaults to the 30 days ' +
      'up to today and spans at most 366 days.',
  })
  @ApiOkResponse({ type: DailyActivityListDto })
  @ApiProblem(400, 'A malformed date, or a range that is reversed or over 366 days.', [
    P.validation,
    RANGE_INVALID,
  ])
  daily(@Query() query: DailyActivityQueryDto): Promise<DailyActivityList> {
    return this.queries.execute(new GetDailyActivityQuery({ from: query.from, to: query.to }));
  }

  @Get('feed')
  @ApiOperation({
    summary: 'Recent changes to todos and lists, newest first',
    description: 'One item per event: what changed, on which todo or list, and when.',
  })
  @ApiOkResponse({ type: ActivityFeedDto })
  @ApiProblem(400, 'Invalid query parameters.', [P.validation])
  feed(@Query() query: ActivityFeedQueryDto): Promise<ActivityFeed> {
    return this.queries.execute(new GetActivityFeedQuery(query.limit ?? FEED_LIMIT_DEFAULT));
  }
}
