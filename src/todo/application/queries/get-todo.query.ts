import { Query } from '@nestjs/cqrs';
import type { TodoView } from '../todo-view';

export class GetTodoQuery extends Query<TodoView> {
  constructor(readonly todoId: string) {
    super();
  }
}
