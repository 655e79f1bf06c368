import type { DomainCommandInput } from '../../../event-store';
import type { ReopenTodo } from '../../domain/todo';
import { TodoWrite } from '../todo-write';
import type { TodoWriteOptions } from '../todo-write';

export class ReopenTodoCommand extends TodoWrite {
  constructor(
    readonly todoId: string,
    options: TodoWriteOptions = {},
  ) {
    super(todoId, options);
  }

  toDomainCommand({ now }: DomainCommandInput): ReopenTodo {
    return { type: 'ReopenTodo', data: { todoId: this.todoId, now } };
  }
}
