import type { DomainCommandInput } from '../../../event-store';
import type { ChangeTitle } from '../../domain/todo';
import { TodoWrite } from '../todo-write';
import type { TodoWriteOptions } from '../todo-write';

export class ChangeTitleCommand extends TodoWrite {
  constructor(
    readonly todoId: string,
    readonly title: string,
    options: TodoWriteOptions = {},
  ) {
    super(todoId, options);
  }

  toDomainCommand({ now }: DomainCommandInput): ChangeTitle {
    return { type: 'ChangeTitle', data: { todoId: this.todoId, title: this.title, now } };
  }
}
