import { TodoReadViews1764230400001 } from './1764230400001-todo-read-views';

/** The todo module's tables. */
export const TODO_MIGRATIONS = [TodoReadViews1764230400001];
