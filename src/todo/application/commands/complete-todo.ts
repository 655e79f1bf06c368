import type { DomainCommandInput } from '../../../event-store';
import type { CompleteTodo } from '../../domain/todo';
import { TodoWrite } from '../todo-write';
import type { TodoWriteOptions } from '../todo-write';

export class CompleteTodoCommand extends TodoWrite {
  constructor(
    readonly todoId: string,
    options: TodoWriteOptions = {},
  ) {
    super(todoId, options);
  }

  toDomainCommand({ now }: DomainCommandInput): CompleteTodo {
    return { type: 'CompleteTodo', data: { todoId: this.todoId, now } };
  }
}
