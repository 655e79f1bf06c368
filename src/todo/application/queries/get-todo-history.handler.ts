import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { EventStore } from '../../../event-store';
import { TodoNotFoundError } from '../../domain/todo';
import type { TodoHistory } from '../todo-view';
import { GetTodoHistoryQuery, HISTORY_LIMIT_MAX } from './get-todo-history.query';

/** Reads the log itself: the history is the events as recorded, with their metadata. */
@QueryHandler(GetTodoHistoryQuery)
export class GetTodoHistoryHandler implements IQueryHandler<GetTodoHistoryQuery, TodoHistory> {
  constructor(private readonly store: EventStore) {}

  async execute({ todoId, after, limit }: GetTodoHistoryQuery): Promise<TodoHistory> {
    const size = Math.min(Math.max(Math.trunc(limit), 1), HISTORY_LIMIT_MAX);
    // One event more than asked tells whether another page follows.
    const events = await this.store.readStream(todoId, {
      fromSequence: Math.max(Math.trunc(after), 0) + 1,
      limit: size + 1,
    });
    if (events.length === 0 && (await this.store.readStream(todoId, { limit: 1 })).length === 0) {
      throw new TodoNotFoundError(todoId);
    }
    const page = events.slice(0, size);
    return {
      items: page.map((event) => ({
        sequence: event.sequence,
        type: event.type,
        payload: event.data,
        metadata: event.metadata,
        recordedAt: event.recordedAt.toISOString(),
      })),
      nextAfter: events.length > size ? (page.at(-1)?.sequence ?? null) : null,
    };
  }
}
