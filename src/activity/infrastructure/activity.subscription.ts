import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { SubscriptionRegistry } from '../../event-store';
import type { EventSubscription, PositionedEvent, SqlTransaction } from '../../event-store';
import { CONSUMED_TODO_EVENT_TYPES } from '../application/todo-events.contract';
import type { ConsumedTodoEvent } from '../application/todo-events.contract';

/**
 * Follows the log through the event store's subscription API and keeps the activity tables.
 * The runner commits these writes with the checkpoint, so each event counts exactly once.
 * Table names are unqualified so that a rebuild can point them at shadow copies.
 */
@Injectable()
export class ActivitySubscription implements EventSubscription<ConsumedTodoEvent>, OnModuleInit {
  readonly name = 'activity';
  readonly eventTypes = CONSUMED_TODO_EVENT_TYPES;
  readonly tables = ['activity_daily_counts', 'activity_feed'];

  constructor(private readonly registry: SubscriptionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(
    tx: SqlTransaction,
    events: readonly PositionedEvent<ConsumedTodoEvent>[],
  ): Promise<void> {
    for (const event of events) await this.handleOne(tx, event);
  }

  private async handleOne(
    tx: SqlTransaction,
    event: PositionedEvent<ConsumedTodoEvent>,
  ): Promise<void> {
    switch (event.type) {
      case 'TodoCreated':
        await this.count(tx, 'created', event.data.createdAt);
        return this.feed(tx, event, 'created', event.data.title, event.data.createdAt);
      case 'TodoTitleChanged':
        return this.feed(tx, event, 'renamed', event.data.title, event.data.changedAt);
      case 'TodoCompleted':
        await this.count(tx, 'completed', event.data.completedAt);
        return this.feed(tx, event, 'completed', null, event.data.completedAt);
    }
  }

  private async count(
    tx: SqlTransaction,
    column: 'created' | 'completed',
    at: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO activity_daily_counts (day, ${column})
       VALUES (($1::timestamptz AT TIME ZONE 'UTC')::date, 1)
       ON CONFLICT (day) DO UPDATE SET ${column} = activity_daily_counts.${column} + 1`,
      [at],
    );
  }

  private async feed(
    tx: SqlTransaction,
    event: PositionedEvent,
    change: string,
    title: string | null,
    at: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO activity_feed (global_position, todo_id, change, title, occurred_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [event.globalPosition, event.streamId, change, title, at],
    );
  }
}
