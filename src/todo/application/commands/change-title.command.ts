import { Command } from '@nestjs/cqrs';
import type { TodoView } from '../todo-view';

export class ChangeTitleCommand extends Command<TodoView> {
  constructor(
    readonly todoId: string,
    readonly title: string,
    /** The version the caller last saw; leave out to change the latest state. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
