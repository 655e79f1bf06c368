import type { DomainCommandInput, IdempotencyRequest } from '../../../event-store';
import type { CreateTodo } from '../../domain/todo';
import { TodoWrite } from '../todo-write';

export class CreateTodoCommand extends TodoWrite {
  constructor(
    readonly title: string,
    /** Leave out to let the service pick a new id. */
    readonly todoId?: string,
    /** Run at most once for this key; a retry gets the first run's result. */
    readonly idempotency?: IdempotencyRequest,
  ) {
    super(todoId, { idempotency });
  }

  toDomainCommand({ streamId, now }: DomainCommandInput): CreateTodo {
    return { type: 'CreateTodo', data: { todoId: streamId, title: this.title, now } };
  }
}
