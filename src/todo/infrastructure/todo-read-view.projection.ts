import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { InlineProjectionRegistry } from '../../event-store';
import type { InlineProjection, RecordedEvent, SqlTransaction } from '../../event-store';
import type { NamedStatement } from '../../database/database';
import { TODO_EVENT_TYPES } from '../domain/todo';
import type { TodoEvent } from '../domain/todo';

// Named: they run in every append, so each connection prepares them once.
const INSERT: NamedStatement = {
  name: 'todo_read_views_insert',
  text: `INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
         VALUES ($1, $2, FALSE, $3, $4, $4)`,
};
const SET_TITLE: NamedStatement = {
  name: 'todo_read_views_set_title',
  text: `UPDATE todo_read_views SET title = $2, version = $3, updated_at = $4 WHERE id = $1`,
};
const SET_COMPLETED: NamedStatement = {
  name: 'todo_read_views_set_completed',
  text: `UPDATE todo_read_views SET completed = $4, version = $2, updated_at = $3 WHERE id = $1`,
};
// The row goes and a tombstone stays, so a read can tell "deleted" (410) from "never existed".
const DELETE: NamedStatement = {
  name: 'todo_read_views_delete',
  text: `WITH gone AS (DELETE FROM todo_read_views WHERE id = $1 RETURNING id)
         INSERT INTO todo_tombstones (id, version, deleted_at)
         SELECT id, $2, $3 FROM gone`,
};

/**
 * Keeps `todo_read_views` in step with the log, inside the appending transaction. A row that
 * should exist but does not means the read model is broken: fail, and the append rolls back.
 */
@Injectable()
export class TodoReadViewProjection implements InlineProjection<TodoEvent>, OnModuleInit {
  readonly name = 'todo_read_views';
  readonly eventTypes = TODO_EVENT_TYPES;
  readonly tables = ['todo_read_views', 'todo_tombstones'];
  readonly streamTypes = ['todo'];

  constructor(private readonly registry: InlineProjectionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(tx: SqlTransaction, events: readonly RecordedEvent<TodoEvent>[]): Promise<void> {
    for (const event of events) await this.applyOne(tx, event);
  }

  private async applyOne(tx: SqlTransaction, event: RecordedEvent<TodoEvent>): Promise<void> {
    switch (event.type) {
      case 'TodoCreated':
        await tx.query(INSERT, [
          event.streamId,
          event.data.title,
          event.sequence,
          event.data.createdAt,
        ]);
        return;
      case 'TodoTitleChanged':
        return this.update(tx, event, SET_TITLE, [
          event.streamId,
          event.data.title,
          event.sequence,
          event.data.changedAt,
        ]);
      case 'TodoCompleted':
        return this.update(tx, event, SET_COMPLETED, [
          event.streamId,
          event.sequence,
          event.data.completedAt,
          true,
        ]);
      case 'TodoReopened':
        return this.update(tx, event, SET_COMPLETED, [
          event.streamId,
          event.sequence,
          event.data.reopenedAt,
          false,
        ]);
      case 'TodoDeleted':
        return this.update(tx, event, DELETE, [
          event.streamId,
          event.sequence,
          event.data.deletedAt,
        ]);
    }
  }

  private async update(
    tx: SqlTransaction,
    event: RecordedEvent<TodoEvent>,
    statement: NamedStatement,
    parameters: unknown[],
  ): Promise<void> {
    const { rowCount } = await tx.query(statement, parameters);
    if (rowCount !== 1) {
      throw new Error(
        `Projection ${this.name}: no row for todo ${event.streamId} while applying ${event.type} #${event.sequence}.`,
      );
    }
  }
}
