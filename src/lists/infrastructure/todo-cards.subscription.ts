import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { SubscriptionRegistry } from '../../event-store';
import type { EventSubscription, PositionedEvent, SqlTransaction } from '../../event-store';
import { CONSUMED_TODO_EVENT_TYPES } from '../application/todo-events.contract';
import type { ConsumedTodoEvent } from '../application/todo-events.contract';

/** A todo's row after a batch: the fields the batch set (null: unchanged) and its version. */
type Card = {
  todoId: string;
  title: string | null;
  completed: boolean | null;
  deleted: boolean;
  version: number;
};

/**
 * Follows the todo streams and keeps `lists_todo_cards`: what every list shows of a todo (its
 * current title, completed, deleted). A subscription, not an inline projection: the lists
 * module must not run its SQL inside the todo module's appends, nor fail them. The runner reads
 * the log gap-safe and commits these writes with the checkpoint, so each event counts once.
 */
@Injectable()
export class TodoCardsSubscription implements EventSubscription<ConsumedTodoEvent>, OnModuleInit {
  readonly name = 'lists_todos';
  readonly eventTypes = CONSUMED_TODO_EVENT_TYPES;
  readonly streamTypes = ['todo'];
  readonly tables = ['lists_todo_cards'];

  constructor(private readonly registry: SubscriptionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  /** One statement per batch: the batch is folded per todo first, then upserted via unnest. */
  async handle(
    tx: SqlTransaction,
    events: readonly PositionedEvent<ConsumedTodoEvent>[],
  ): Promise<void> {
    const cards = new Map<string, Card>();
    for (const event of events) {
      const card = cards.get(event.streamId) ?? {
        todoId: event.streamId,
        title: null,
        completed: null,
        deleted: false,
        version: 0,
      };
      cards.set(event.streamId, { ...card, ...changeOf(event), version: event.sequence });
    }
    if (cards.size === 0) return;
    const rows = [...cards.values()];
    // Rows that exist take the batch's changes (unless a replayed batch would move them back);
    // the others are inserted: a todo's first event, TodoCreated, gave them a title.
    await tx.query(
      `WITH batch AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::boolean[], $5::bigint[])
           AS b (todo_id, title, completed, deleted, version)
       ),
       updated AS (
         UPDATE lists_todo_cards AS card
         SET title = coalesce(batch.title, card.title),
             completed = coalesce(batch.completed, card.completed),
             deleted = card.deleted OR batch.deleted,
             version = batch.version
         FROM batch
         WHERE card.todo_id = batch.todo_id AND card.version < batch.version
       )
       INSERT INTO lists_todo_cards (todo_id, title, completed, deleted, version)
       SELECT todo_id, title, coalesce(completed, FALSE), deleted, version FROM batch
       WHERE NOT EXISTS (SELECT 1 FROM lists_todo_cards card WHERE card.todo_id = batch.todo_id)`,
      [
        rows.map((row) => row.todoId),
        rows.map((row) => row.title),
        rows.map((row) => row.completed),
        rows.map((row) => row.deleted),
        rows.map((row) => row.version),
      ],
    );
  }
}

function changeOf(event: PositionedEvent<ConsumedTodoEvent>): Partial<Card> {
  switch (event.type) {
    case 'TodoCreated':
      return { title: event.data.title, completed: false };
    case 'TodoTitleChanged':
      return { title: event.data.title };
    case 'TodoCompleted':
      return { completed: true };
    case 'TodoReopened':
      return { completed: false };
    case 'TodoDeleted':
      return { deleted: true };
  }
}
