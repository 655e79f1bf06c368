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
  readonly streamTypes = ['todo'];
  readonly tables = ['activity_daily_counts', 'activity_feed'];

  constructor(private readonly registry: SubscriptionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  /**
   * One statement per batch, whatever its size: the feed rows go in through `unnest`, and the
   * daily counts are summed from what was inserted. A round trip per event cost this process
   * more CPU under write load than serving the writes' HTTP requests.
   */
  async handle(
    tx: SqlTransaction,
    events: readonly PositionedEvent<ConsumedTodoEvent>[],
  ): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(feedRowOf);
    await tx.query(
      `WITH feed AS (
         INSERT INTO activity_feed (global_position, todo_id, change, title, occurred_at)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])
         RETURNING change, occurred_at
       )
       INSERT INTO activity_daily_counts (day, created, completed)
       SELECT (occurred_at AT TIME ZONE 'UTC')::date,
              count(*) FILTER (WHERE change = 'created'),
              count(*) FILTER (WHERE change = 'completed')
       FROM feed WHERE change IN ('created', 'completed')
       GROUP BY 1
       ON CONFLICT (tenant_id, day) DO UPDATE
       SET created = activity_daily_counts.created + EXCLUDED.created,
           completed = activity_daily_counts.completed + EXCLUDED.completed`,
      [
        rows.map((row) => row.position),
        rows.map((row) => row.todoId),
        rows.map((row) => row.change),
        rows.map((row) => row.title),
        rows.map((row) => row.at),
      ],
    );
  }
}

type FeedRow = {
  position: number;
  todoId: string;
  change: 'created' | 'renamed' | 'completed' | 'reopened' | 'deleted';
  title: string | null;
  at: string;
};

function feedRowOf(event: PositionedEvent<ConsumedTodoEvent>): FeedRow {
  const row = { position: event.globalPosition, todoId: event.streamId };
  switch (event.type) {
    case 'TodoCreated':
      return { ...row, change: 'created', title: event.data.title, at: event.data.createdAt };
    case 'TodoTitleChanged':
      return { ...row, change: 'renamed', title: event.data.title, at: event.data.changedAt };
    case 'TodoCompleted':
      return { ...row, change: 'completed', title: null, at: event.data.completedAt };
    case 'TodoReopened':
      return { ...row, change: 'reopened', title: null, at: event.data.reopenedAt };
    case 'TodoDeleted':
      return { ...row, change: 'deleted', title: null, at: event.data.deletedAt };
  }
}
