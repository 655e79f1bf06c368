import { Command } from '@nestjs/cqrs';
import type { WriteOutcome } from '../../../shared/application/idempotent-executor';
import type { TodoView } from '../todo-view';

export class ChangeTitleCommand extends Command<WriteOutcome<TodoView>> {
  constructor(
    readonly todoId: string,
    readonly title: string,
    /** The versions the caller accepts (`If-Match`); leave out to change the latest state. */
    readonly expectedVersions?: readonly number[],
  ) {
    super();
  }
}
