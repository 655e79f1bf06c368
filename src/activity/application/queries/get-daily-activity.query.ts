import { Query } from '@nestjs/cqrs';
import type { DailyActivityList } from '../activity-view';

export const DAILY_RANGE_DEFAULT_DAYS = 30;
export const DAILY_RANGE_MAX_DAYS = 366;

/** `from`/`to` are UTC dates (`YYYY-MM-DD`); unset: the last 30 days up to today. */
export class GetDailyActivityQuery extends Query<DailyActivityList> {
  constructor(readonly range: { from?: string; to?: string } = {}) {
    super();
  }
}
