import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import type { NamedStatement } from '../../database/database';
import { TodoReadModel } from '../application/todo-read-model';
import type {
  TodoListFilter,
  TodoListPage,
  TodoListPosition,
} from '../application/todo-read-model';
import type { TodoView } from '../application/todo-view';

/** A `todo_read_views` row as selected with `TODO_COLUMNS`. */
export type TodoRow = {
  id: string;
  title: string;
  completed: boolean;
  version: string;
  created_iso: string;
  updated_iso: string;
  /** `created_at` in UTC to the microsecond: a JS Date would drop the microseconds. */
  created_key: string;
};

// Times leave PostgreSQL already in the API's ISO-8601 form (UTC, milliseconds): parsing them into
// Date objects only to print them again was a measurable share of a list request's CPU time.
// (Aliases differ from the column names: ORDER BY would otherwise sort by the text, off the index.)
const iso = (column: string, alias: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${alias}`;
export const TODO_COLUMNS = `id, title, completed, version, ${iso('created_at', 'created_iso')}, ${iso('updated_at', 'updated_iso')},
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key`;

/**
 * A page's row: the position of the todo (for the cursor) and its `TodoView` serialised by
 * PostgreSQL, so that a page reaches the client without being parsed into objects and
 * serialised again.
 */
type TodoJsonRow = { id: string; created_key: string; json: string };

// `row_to_json` of a lateral row, rather than json_build_object, for the compact form
// JSON.stringify writes ({"id":"…"}) with the keys in TodoView's order.
const JSON_COLUMNS = `r.id, to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key,
  row_to_json(v)::text AS json`;
const JSON_VIEW = `todo_read_views r, LATERAL (SELECT r.id, r.title, r.completed, r.version,
  ${iso('r.created_at', '"createdAt"')}, ${iso('r.updated_at', '"updatedAt"')}) v`;
const ORDER = 'ORDER BY r.created_at DESC, r.id DESC';
// A row comparison matches the index order (created_at DESC, id DESC), so PostgreSQL starts the
// index scan right at the cursor instead of reading and discarding the rows before it.
const after = (first: number) =>
  `(r.created_at, r.id) < ($${first}::timestamptz, $${first + 1}::uuid)`;

// Separate statements per filter, so each one gets a plan on its own index:
// todo_read_views_created_idx without a filter, todo_read_views_completed_created_idx with one.
// Named, so each pooled connection parses them once instead of once per request.
export const TODO_LIST_STATEMENTS = {
  all: {
    name: 'todo_list_all',
    text: `SELECT ${JSON_COLUMNS} FROM ${JSON_VIEW} ${ORDER} LIMIT $1`,
  },
  allAfter: {
    name: 'todo_list_all_after',
    text: `SELECT ${JSON_COLUMNS} FROM ${JSON_VIEW} WHERE ${after(2)} ${ORDER} LIMIT $1`,
  },
  byCompleted: {
    name: 'todo_list_by_completed',
    text: `SELECT ${JSON_COLUMNS} FROM ${JSON_VIEW} WHERE r.completed = $2 ${ORDER} LIMIT $1`,
  },
  byCompletedAfter: {
    name: 'todo_list_by_completed_after',
    text: `SELECT ${JSON_COLUMNS} FROM ${JSON_VIEW} WHERE r.completed = $2 AND ${after(3)} ${ORDER} LIMIT $1`,
  },
} as const satisfies Record<string, NamedStatement>;

const FIND_BY_ID: NamedStatement = {
  name: 'todo_find_by_id',
  text: `SELECT ${TODO_COLUMNS} FROM todo_read_views WHERE id = $1`,
};

const FIND_VERSION: NamedStatement = {
  name: 'todo_find_version',
  text: `SELECT version FROM todo_read_views WHERE id = $1`,
};

const IS_DELETED: NamedStatement = {
  name: 'todo_is_deleted',
  text: `SELECT 1 FROM todo_tombstones WHERE id = $1`,
};

@Injectable()
export class PostgresTodoReadModel extends TodoReadModel {
  constructor(private readonly database: Database) {
    super();
  }

  async findById(id: string): Promise<TodoView | undefined> {
    const { rows } = await this.database.query<TodoRow>(FIND_BY_ID, [id]);
    return rows[0] && toView(rows[0]);
  }

  async findVersion(id: string): Promise<number | undefined> {
    const { rows } = await this.database.query<{ version: string }>(FIND_VERSION, [id]);
    return rows[0] && Number(rows[0].version);
  }

  async isDeleted(id: string): Promise<boolean> {
    return (await this.database.query(IS_DELETED, [id])).rows.length > 0;
  }

  async list({ completed, limit, after }: TodoListFilter): Promise<TodoListPage> {
    // One row more than asked tells whether another page follows.
    const [statement, parameters] = listStatement(limit + 1, completed, after);
    const { rows } = await this.database.query<TodoJsonRow>(statement, parameters);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: `[${page.map((row) => row.json).join(',')}]`,
      ...(rows.length > limit && last
        ? { next: { createdAt: last.created_key, id: last.id } }
        : {}),
    };
  }
}

/** The statement and parameters for one page; exported for the query-plan test. */
export function listStatement(
  limit: number,
  completed: boolean | undefined,
  after: TodoListPosition | undefined,
): [NamedStatement, unknown[]] {
  const position = after ? [after.createdAt, after.id] : [];
  if (completed === undefined) {
    return after
      ? [TODO_LIST_STATEMENTS.allAfter, [limit, ...position]]
      : [TODO_LIST_STATEMENTS.all, [limit]];
  }
  return after
    ? [TODO_LIST_STATEMENTS.byCompletedAfter, [limit, completed, ...position]]
    : [TODO_LIST_STATEMENTS.byCompleted, [limit, completed]];
}

export function toView(row: TodoRow): TodoView {
  return {
    id: row.id,
    title: row.title,
    completed: row.completed,
    version: Number(row.version),
    createdAt: row.created_iso,
    updatedAt: row.updated_iso,
  };
}
