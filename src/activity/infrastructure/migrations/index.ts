import { ActivityTables1764230600001 } from './1764230600001-activity-tables';

/** The activity module's tables. */
export const ACTIVITY_MIGRATIONS = [ActivityTables1764230600001];
