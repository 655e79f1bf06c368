import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TodoReadModel } from '../application/todo-read-model';
import type { TodoListFilter } from '../application/todo-read-model';
import type { TodoView } from '../application/todo-view';

type TodoRow = {
  id: string;
  title: string;
  completed: boolean;
  version: string;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = 'id, title, completed, version, created_at, updated_at';
const ORDER = 'ORDER BY created_at DESC, id DESC';

// Separate statements per filter, so each one gets a plan on its own index.
const FIND_BY_ID = `SELECT ${COLUMNS} FROM todo_read_views WHERE id = $1`;
const LIST_ALL = `SELECT ${COLUMNS} FROM todo_read_views ${ORDER} LIMIT $1`;
const LIST_BY_COMPLETED = `SELECT ${COLUMNS} FROM todo_read_views WHERE completed = $2 ${ORDER} LIMIT $1`;

@Injectable()
export class PostgresTodoReadModel extends TodoReadModel {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async findById(id: string): Promise<TodoView | undefined> {
    const rows: TodoRow[] = await this.dataSource.query(FIND_BY_ID, [id]);
    return rows[0] && toView(rows[0]);
  }

  async list({ completed, limit }: TodoListFilter): Promise<TodoView[]> {
    const rows: TodoRow[] =
      completed === undefined
        ? await this.dataSource.query(LIST_ALL, [limit])
        : await this.dataSource.query(LIST_BY_COMPLETED, [limit, completed]);
    return rows.map(toView);
  }
}

function toView(row: TodoRow): TodoView {
  return {
    id: row.id,
    title: row.title,
    completed: row.completed,
    version: Number(row.version),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
