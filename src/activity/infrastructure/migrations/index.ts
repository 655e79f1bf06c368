import { ActivityTables1764230600001 } from './1764230600001-activity-tables';
import { ActivityReopenDelete1764230900002 } from './1764230900002-activity-reopen-delete';
import { ActivityTenants1764231000002 } from './1764231000002-activity-tenants';
import { ActivityLists1764231300002 } from './1764231300002-activity-lists';

/** The activity module's tables. */
export const ACTIVITY_MIGRATIONS = [
  ActivityTables1764230600001,
  ActivityReopenDelete1764230900002,
  ActivityTenants1764231000002,
  ActivityLists1764231300002,
];
