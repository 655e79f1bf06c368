import { Command } from '@nestjs/cqrs';
import type {
  IdempotencyRequest,
  WriteOutcome,
} from '../../../shared/application/idempotent-executor';
import type { TodoView } from '../todo-view';

export class CompleteTodoCommand extends Command<WriteOutcome<TodoView>> {
  constructor(
    readonly todoId: string,
    /** The versions the caller accepts (`If-Match`); leave out to complete the latest state. */
    readonly expectedVersions?: readonly number[],
    /** Run at most once for this key; a retry gets the stored response. */
    readonly idempotency?: IdempotencyRequest<TodoView>,
  ) {
    super();
  }
}
