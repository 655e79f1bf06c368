import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { InlineProjectionRegistry } from '../../event-store';
import type { InlineProjection, RecordedEvent, SqlTransaction } from '../../event-store';
import { LIST_EVENT_TYPES } from '../domain/list';
import type { ListEvent } from '../domain/list';

/**
 * Keeps `lists_views` and `lists_items` in step with the list streams, inside the appending
 * transaction: a list command's effect is in the view when the command returns. (What the list
 * shows of each todo comes from the `lists_todos` subscription; see `todo-cards.subscription`.)
 */
@Injectable()
export class ListViewsProjection implements InlineProjection<ListEvent>, OnModuleInit {
  readonly name = 'lists';
  readonly eventTypes = LIST_EVENT_TYPES;
  readonly streamTypes = ['list'];
  readonly tables = ['lists_views', 'lists_items'];

  constructor(private readonly registry: InlineProjectionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(tx: SqlTransaction, events: readonly RecordedEvent<ListEvent>[]): Promise<void> {
    for (const event of events) await this.applyOne(tx, event);
  }

  private async applyOne(tx: SqlTransaction, event: RecordedEvent<ListEvent>): Promise<void> {
    const { streamId: listId, sequence } = event;
    switch (event.type) {
      case 'ListCreated':
        await tx.query(
          `INSERT INTO lists_views (id, name, archived, version, created_at, updated_at)
           VALUES ($1, $2, FALSE, $3, $4, $4)`,
          [listId, event.data.name, sequence, event.data.createdAt],
        );
        return;
      case 'ListRenamed':
        return this.touch(tx, event, event.data.renamedAt, { name: event.data.name });
      case 'ListTodoAdded': {
        const { todoId, todo, addedAt } = event.data;
        await tx.query(
          `INSERT INTO lists_items
             (list_id, todo_id, position, todo_title, todo_completed, todo_version)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (tenant_id, list_id, todo_id) DO UPDATE
           SET position = EXCLUDED.position, todo_title = EXCLUDED.todo_title,
               todo_completed = EXCLUDED.todo_completed, todo_version = EXCLUDED.todo_version,
               removed = FALSE`,
          [listId, todoId, sequence, todo.title, todo.completed, todo.version],
        );
        return this.touch(tx, event, addedAt);
      }
      case 'ListTodoRemoved':
        await tx.query(
          `UPDATE lists_items SET removed = TRUE WHERE list_id = $1 AND todo_id = $2`,
          [listId, event.data.todoId],
        );
        return this.touch(tx, event, event.data.removedAt);
      case 'ListArchived':
        return this.touch(tx, event, event.data.archivedAt, { archived: true });
    }
  }

  /** Moves the list's version and time, and sets what changed. */
  private async touch(
    tx: SqlTransaction,
    event: RecordedEvent<ListEvent>,
    at: string,
    change: { name?: string; archived?: boolean } = {},
  ): Promise<void> {
    const { rowCount } = await tx.query(
      `UPDATE lists_views
       SET version = $2, updated_at = $3, name = coalesce($4, name), archived = coalesce($5, archived)
       WHERE id = $1`,
      [event.streamId, event.sequence, at, change.name ?? null, change.archived ?? null],
    );
    if (rowCount !== 1) {
      throw new Error(
        `Projection ${this.name}: no row for list ${event.streamId} while applying ${event.type} #${event.sequence}.`,
      );
    }
  }
}
