import { Command } from '@nestjs/cqrs';
import type { TodoView } from '../todo-view';

export class CreateTodoCommand extends Command<TodoView> {
  constructor(
    readonly title: string,
    /** Leave out to let the service pick a new id. */
    readonly todoId?: string,
  ) {
    super();
  }
}
