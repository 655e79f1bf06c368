import { ACTIVITY_MIGRATIONS } from './activity/infrastructure/migrations';
import { EVENT_STORE_MIGRATIONS } from './event-store';
import { INTEGRATION_MIGRATIONS } from './integration/infrastructure/migrations';
import { LISTS_MIGRATIONS } from './lists/infrastructure/migrations';
import { TODO_MIGRATIONS } from './todo/infrastructure/migrations';

/**
 * What a database of this service needs: every module's own migrations, which the database
 * module applies (in timestamp order, whatever the order here) without knowing any module.
 * A module with tables adds its list here.
 */
export const migrations = [
  ...EVENT_STORE_MIGRATIONS,
  ...TODO_MIGRATIONS,
  ...ACTIVITY_MIGRATIONS,
  ...INTEGRATION_MIGRATIONS,
  ...LISTS_MIGRATIONS,
];
