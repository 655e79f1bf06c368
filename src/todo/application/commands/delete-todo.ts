import type { DomainCommandInput } from '../../../event-store';
import type { DeleteTodo } from '../../domain/todo';
import { TodoWrite } from '../todo-write';
import type { TodoWriteOptions } from '../todo-write';

export class DeleteTodoCommand extends TodoWrite {
  constructor(
    readonly todoId: string,
    options: TodoWriteOptions = {},
  ) {
    super(todoId, options);
  }

  toDomainCommand({ now }: DomainCommandInput): DeleteTodo {
    return { type: 'DeleteTodo', data: { todoId: this.todoId, now } };
  }
}
