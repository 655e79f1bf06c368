import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { InlineProjectionRegistry } from '../../event-store';
import type { InlineProjection, RecordedEvent, SqlTransaction } from '../../event-store';
import { TODO_EVENT_TYPES } from '../domain/todo.events';
import type { TodoEvent } from '../domain/todo.events';

/**
 * Keeps `todo_read_views` in step with the log, inside the appending transaction. A row that
 * should exist but does not means the read model is broken: fail, and the append rolls back.
 */
@Injectable()
export class TodoReadViewProjection implements InlineProjection<TodoEvent>, OnModuleInit {
  readonly name = 'todo_read_views';
  readonly eventTypes = TODO_EVENT_TYPES;

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
        await tx.query(
          `INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
           VALUES ($1, $2, FALSE, $3, $4, $4)`,
          [event.streamId, event.data.title, event.sequence, event.data.createdAt],
        );
        return;
      case 'TodoTitleChanged':
        return this.update(
          tx,
          event,
          `UPDATE todo_read_views SET title = $2, version = $3, updated_at = $4 WHERE id = $1`,
          [event.streamId, event.data.title, event.sequence, event.data.changedAt],
        );
      case 'TodoCompleted':
        return this.update(
          tx,
          event,
          `UPDATE todo_read_views SET completed = TRUE, version = $2, updated_at = $3 WHERE id = $1`,
          [event.streamId, event.sequence, event.data.completedAt],
        );
    }
  }

  private async update(
    tx: SqlTransaction,
    event: RecordedEvent<TodoEvent>,
    sql: string,
    parameters: unknown[],
  ): Promise<void> {
    const { rowCount } = await tx.query(sql, parameters);
    if (rowCount !== 1) {
      throw new Error(
        `Projection ${this.name}: no row for todo ${event.streamId} while applying ${event.type} #${event.sequence}.`,
      );
    }
  }
}
