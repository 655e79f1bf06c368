import { Query } from '@nestjs/cqrs';
import type { TodoView } from '../todo-view';

/** A todo as it was right after its event number `version` (time travel). */
export class GetTodoAtVersionQuery extends Query<TodoView> {
  constructor(
    readonly todoId: string,
    readonly version: number,
  ) {
    super();
  }
}
