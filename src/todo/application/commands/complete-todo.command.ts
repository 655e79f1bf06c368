import { Command } from '@nestjs/cqrs';
import type { TodoView } from '../todo-view';

export class CompleteTodoCommand extends Command<TodoView> {
  constructor(
    readonly todoId: string,
    /** The version the caller last saw; leave out to complete the latest state. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
