import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { Clock } from '../../../shared/application/clock';
import { ActivityRangeInvalidError } from '../activity.errors';
import { ActivityReadModel } from '../activity-read-model';
import type { DailyActivityList } from '../activity-view';
import {
  DAILY_RANGE_DEFAULT_DAYS,
  DAILY_RANGE_MAX_DAYS,
  GetDailyActivityQuery,
} from './get-daily-activity.query';

const DAY_MS = 86_400_000;

@QueryHandler(GetDailyActivityQuery)
export class GetDailyActivityHandler implements IQueryHandler<
  GetDailyActivityQuery,
  DailyActivityList
> {
  constructor(
    private readonly readModel: ActivityReadModel,
    private readonly clock: Clock,
  ) {}

  async execute({ range }: GetDailyActivityQuery): Promise<DailyActivityList> {
    const to = range.to ?? isoDay(this.clock.now().getTime());
    const from = range.from ?? isoDay(Date.parse(to) - (DAILY_RANGE_DEFAULT_DAYS - 1) * DAY_MS);
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (days < 1) throw new ActivityRangeInvalidError(from, to, 'it ends before it starts');
    if (days > DAILY_RANGE_MAX_DAYS) {
      throw new ActivityRangeInvalidError(
        from,
        to,
        `it spans more than ${DAILY_RANGE_MAX_DAYS} days`,
      );
    }
    return { from, to, days: await this.readModel.daily(from, to) };
  }
}

function isoDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
