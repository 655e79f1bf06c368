import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TodoSnapshots } from '../application/todo-snapshots';
import type { TodoSnapshot } from '../application/todo-snapshots';

type Row = {
  title: string;
  completed: boolean;
  version: string;
  created_at: Date;
  updated_at: Date;
};

// The read row holds the whole state of a todo and is written in the same transaction as each
// event, so it is a snapshot for free. It is trusted only when its version equals the stream's
// last sequence, read in the same statement (one snapshot of the database); otherwise, for
// instance while a rebuild runs, the caller folds the stream.
const LOAD = `
  SELECT title, completed, version, created_at, updated_at
  FROM todo_read_views
  WHERE id = $1
    AND version = (SELECT MAX(sequence) FROM events WHERE aggregate_id = $1)`;

@Injectable()
export class ReadViewTodoSnapshots extends TodoSnapshots {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async load(todoId: string): Promise<TodoSnapshot | undefined> {
    const rows: Row[] = await this.dataSource.query(LOAD, [todoId]);
    const row = rows[0];
    if (!row) return undefined;
    const fields = {
      id: todoId,
      title: row.title,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
    return {
      version: Number(row.version),
      // Completing is the last thing that can happen to a todo, so its time is the last update.
      state: row.completed
        ? { status: 'Completed', ...fields, completedAt: fields.updatedAt }
        : { status: 'Open', ...fields },
    };
  }
}
