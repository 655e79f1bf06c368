import { TodoReadViews1764230400001 } from './1764230400001-todo-read-views';
import { TodoTombstones1764230900001 } from './1764230900001-todo-tombstones';
import { TodoTenants1764231000001 } from './1764231000001-todo-tenants';

/** The todo module's tables. */
export const TODO_MIGRATIONS = [
  TodoReadViews1764230400001,
  TodoTombstones1764230900001,
  TodoTenants1764231000001,
];
