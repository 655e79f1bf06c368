import { Query } from '@nestjs/cqrs';
import type { TodoHistory } from '../todo-view';

export const HISTORY_LIMIT_DEFAULT = 50;
export const HISTORY_LIMIT_MAX = 100;

/** One page of a todo's events, oldest first. */
export class GetTodoHistoryQuery extends Query<TodoHistory> {
  constructor(
    readonly todoId: string,
    /** Return events after this sequence (0: from the first). */
    readonly after = 0,
    readonly limit = HISTORY_LIMIT_DEFAULT,
  ) {
    super();
  }
}
