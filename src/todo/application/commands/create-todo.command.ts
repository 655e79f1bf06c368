import { Command } from '@nestjs/cqrs';
import type {
  IdempotencyRequest,
  WriteOutcome,
} from '../../../shared/application/idempotent-executor';
import type { TodoView } from '../todo-view';

export class CreateTodoCommand extends Command<WriteOutcome<TodoView>> {
  constructor(
    readonly title: string,
    /** Leave out to let the service pick a new id. */
    readonly todoId?: string,
    /** Run at most once for this key; a retry gets the stored response. */
    readonly idempotency?: IdempotencyRequest<TodoView>,
  ) {
    super();
  }
}
