import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import type { NamedStatement } from '../../database/database';
import { TodoSnapshots } from '../application/todo-snapshots';
import type { TodoSnapshot } from '../application/todo-snapshots';
import { TODO_COLUMNS, toView } from './postgres-todo-read-model';
import type { TodoRow } from './postgres-todo-read-model';

// The read row holds the whole state of a todo and is written in the same transaction as each
// event, so it is a snapshot for free. It is trusted only when its version equals the stream's
// last sequence, read in the same statement (one snapshot of the database); otherwise, for
// instance while a rebuild runs, the caller folds the stream. Named, like the read model's
// statements: every change and completion starts with it.
const LOAD: NamedStatement = {
  name: 'todo_snapshot_load',
  text: `
  SELECT ${TODO_COLUMNS}
  FROM todo_read_views
  WHERE id = $1
    AND version = (SELECT MAX(sequence) FROM events WHERE aggregate_id = $1)`,
};

@Injectable()
export class ReadViewTodoSnapshots extends TodoSnapshots {
  constructor(private readonly database: Database) {
    super();
  }

  async load(todoId: string): Promise<TodoSnapshot | undefined> {
    const [row] = (await this.database.query<TodoRow>(LOAD, [todoId])).rows;
    if (!row) return undefined;
    const { id, title, completed, version, createdAt, updatedAt } = toView(row);
    const fields = { id, title, createdAt, updatedAt };
    return {
      version,
      // Completing is the last thing that can happen to a todo, so its time is the last update.
      state: completed
        ? { status: 'Completed', ...fields, completedAt: updatedAt }
        : { status: 'Open', ...fields },
    };
  }
}
