import { Query } from '@nestjs/cqrs';
import type { TodoList } from '../todo-view';

export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;

export class ListTodosQuery extends Query<TodoList> {
  constructor(
    readonly filter: {
      completed?: boolean;
      limit?: number;
      /** A `nextCursor` from the previous page. */
      cursor?: string;
    } = {},
  ) {
    super();
  }
}
