import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { SubscriptionRegistry } from '../../event-store';
import type { EventSubscription, PositionedEvent, SqlTransaction } from '../../event-store';
import type { ActivityChange } from '../application/activity-view';
import { CONSUMED_LIST_EVENT_TYPES } from '../application/list-events.contract';
import type { ConsumedListEvent } from '../application/list-events.contract';
import { CONSUMED_TODO_EVENT_TYPES } from '../application/todo-events.contract';
import type { ConsumedTodoEvent } from '../application/todo-events.contract';

type ConsumedEvent = ConsumedTodoEvent | ConsumedListEvent;

/**
 * Follows the log through the event store's subscription API and keeps the activity tables.
 * The runner commits these writes with the checkpoint, so each event counts exactly once.
 * Table names are unqualified so that a rebuild can point them at shadow copies.
 */
@Injectable()
export class ActivitySubscription implements EventSubscription<ConsumedEvent>, OnModuleInit {
  readonly name = 'activity';
  readonly eventTypes = [...CONSUMED_TODO_EVENT_TYPES, ...CONSUMED_LIST_EVENT_TYPES];
  readonly streamTypes = ['todo', 'list'];
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
    events: readonly PositionedEvent<ConsumedEvent>[],
  ): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(feedRowOf);
    await tx.query(
      `WITH feed AS (
         INSERT INTO activity_feed (global_position, todo_id, list_id, change, title, occurred_at)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $6::uuid[], $3::text[], $4::text[],
                              $5::timestamptz[])
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
        rows.map((row) => row.listId),
      ],
    );
  }
}

type FeedRow = {
  position: number;
  todoId: string | null;
  listId: string | null;
  change: ActivityChange;
  title: string | null;
  at: string;
};

function feedRowOf(event: PositionedEvent<ConsumedEvent>): FeedRow {
  const row = { position: event.globalPosition, todoId: event.streamId, listId: null };
  const list = { position: event.globalPosition, todoId: null, listId: event.streamId };
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
    case 'ListCreated':
      return { ...list, change: 'list-created', title: event.data.name, at: event.data.createdAt };
    case 'ListRenamed':
      return { ...list, change: 'list-renamed', title: event.data.name, at: event.data.renamedAt };
    case 'ListTodoAdded':
      return {
        ...list,
        todoId: event.data.todoId,
        change: 'list-todo-added',
        title: null,
        at: event.data.addedAt,
      };
    case 'ListTodoRemoved':
      return {
        ...list,
        todoId: event.data.todoId,
        change: 'list-todo-removed',
        title: null,
        at: event.data.removedAt,
      };
    case 'ListArchived':
      return { ...list, change: 'list-archived', title: null, at: event.data.archivedAt };
  }
}
