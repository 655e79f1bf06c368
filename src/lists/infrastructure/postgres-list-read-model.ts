import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import type { NamedStatement } from '../../database/database';
import { ListReadModel } from '../application/list-read-model';
import type { ListFilter, ListPosition, ListSummaryPage } from '../application/list-read-model';
import { countsOf } from '../application/list-view';
import type { ListSummary, ListTodoView, ListView } from '../application/list-view';

type ListRow = {
  id: string;
  name: string;
  archived: boolean;
  version: string;
  created_iso: string;
  updated_iso: string;
  /** `created_at` in UTC to the microsecond, for cursors. */
  created_key: string;
  total: number;
  completed: number;
};

type TodoRow = { id: string; title: string; completed: boolean };

const iso = (column: string, alias: string, unit = 'MS') =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${unit}"Z"') AS ${alias}`;
const LIST_COLUMNS = `v.id, v.name, v.archived, v.version, ${iso('v.created_at', 'created_iso')},
  ${iso('v.updated_at', 'updated_iso')}, ${iso('v.created_at', 'created_key', 'US')}`;

// What a list shows of a todo: the newer of what the list saw when adding it (lists_items) and
// what the todo's own events said (lists_todo_cards); a deleted todo is not shown.
const SHOWN = `
  CASE WHEN card.version >= item.todo_version THEN card.title ELSE item.todo_title END AS title,
  CASE WHEN card.version >= item.todo_version THEN card.completed ELSE item.todo_completed END
    AS completed`;
const VISIBLE = `NOT coalesce(card.deleted, FALSE)`;

const FIND_BY_ID: NamedStatement = {
  name: 'lists_find_by_id',
  text: `SELECT ${LIST_COLUMNS}, 0 AS total, 0 AS completed FROM lists_views v WHERE v.id = $1`,
};

const TODOS_OF_LIST: NamedStatement = {
  name: 'lists_todos_of_list',
  text: `SELECT item.todo_id AS id, ${SHOWN}
         FROM lists_items item LEFT JOIN lists_todo_cards card ON card.todo_id = item.todo_id
         WHERE item.list_id = $1 AND NOT item.removed AND ${VISIBLE}
         ORDER BY item.position`,
};

// For answering a write: the todos the list held at some version, in that order, also those
// removed since (an idempotent replay answers the list as it was); a todo without a row here
// (not expected) is shown as its card says.
const TODOS_BY_IDS: NamedStatement = {
  name: 'lists_todos_by_ids',
  text: `SELECT wanted.id,
           CASE WHEN item.todo_id IS NULL OR card.version >= item.todo_version
                THEN card.title ELSE item.todo_title END AS title,
           CASE WHEN item.todo_id IS NULL OR card.version >= item.todo_version
                THEN card.completed ELSE item.todo_completed END AS completed
         FROM unnest($2::uuid[]) WITH ORDINALITY AS wanted (id, ordinal)
         LEFT JOIN lists_items item ON item.list_id = $1 AND item.todo_id = wanted.id
         LEFT JOIN lists_todo_cards card ON card.todo_id = wanted.id
         WHERE ${VISIBLE} AND (item.todo_id IS NOT NULL OR card.todo_id IS NOT NULL)
         ORDER BY wanted.ordinal`,
};

// A page of lists with their counts; a row comparison matches the index order, so the scan
// starts at the cursor.
const page = (filter: string): string =>
  `SELECT ${LIST_COLUMNS}, counts.total, counts.completed
   FROM lists_views v
   CROSS JOIN LATERAL (
     SELECT count(*)::int AS total,
            count(*) FILTER (WHERE CASE WHEN card.version >= item.todo_version
                                        THEN card.completed ELSE item.todo_completed END)::int
              AS completed
     FROM lists_items item LEFT JOIN lists_todo_cards card ON card.todo_id = item.todo_id
     WHERE item.list_id = v.id AND NOT item.removed AND ${VISIBLE}
   ) counts
   WHERE ${filter}
   ORDER BY v.created_at DESC, v.id DESC LIMIT $1`;
const AFTER = `(v.created_at, v.id) < ($2::timestamptz, $3::uuid)`;
const ARCHIVED = (n: number) => `v.archived = $${n}`;
const PAGES = {
  all: { name: 'lists_page_all', text: page('TRUE') },
  allAfter: { name: 'lists_page_all_after', text: page(AFTER) },
  byArchived: { name: 'lists_page_by_archived', text: page(ARCHIVED(2)) },
  byArchivedAfter: {
    name: 'lists_page_by_archived_after',
    text: page(`${ARCHIVED(4)} AND ${AFTER}`),
  },
} as const satisfies Record<string, NamedStatement>;

@Injectable()
export class PostgresListReadModel extends ListReadModel {
  constructor(private readonly database: Database) {
    super();
  }

  async findById(id: string): Promise<ListView | undefined> {
    const row = (await this.database.query<ListRow>(FIND_BY_ID, [id])).rows[0];
    if (!row) return undefined;
    const todos = (await this.database.query<TodoRow>(TODOS_OF_LIST, [id])).rows;
    return { ...toSummary(row), todos, counts: countsOf(todos) };
  }

  async todosOf(listId: string, todoIds: readonly string[]): Promise<ListTodoView[]> {
    if (todoIds.length === 0) return [];
    return (await this.database.query<TodoRow>(TODOS_BY_IDS, [listId, todoIds])).rows;
  }

  async list({ archived, limit, after }: ListFilter): Promise<ListSummaryPage> {
    // One row more than asked tells whether another page follows.
    const position = after ? [after.createdAt, after.id] : [];
    const [statement, parameters]: [NamedStatement, unknown[]] =
      archived === undefined
        ? [after ? PAGES.allAfter : PAGES.all, [limit + 1, ...position]]
        : after
          ? [PAGES.byArchivedAfter, [limit + 1, ...position, archived]]
          : [PAGES.byArchived, [limit + 1, archived]];
    const { rows } = await this.database.query<ListRow>(statement, parameters);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const next: ListPosition | undefined =
      rows.length > limit && last ? { createdAt: last.created_key, id: last.id } : undefined;
    return { items: items.map(toSummary), ...(next ? { next } : {}) };
  }
}

function toSummary(row: ListRow): ListSummary {
  return {
    id: row.id,
    name: row.name,
    archived: row.archived,
    version: Number(row.version),
    createdAt: row.created_iso,
    updatedAt: row.updated_iso,
    counts: { total: row.total, completed: row.completed },
  };
}
