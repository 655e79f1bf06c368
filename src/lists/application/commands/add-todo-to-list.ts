import { Command, CommandBus, CommandHandler, QueryBus } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import type { DomainCommandInput } from '../../../event-store';
import { GetTodoQuery } from '../../../todo/application/queries/get-todo.query';
import { TodoDeletedError, TodoNotFoundError } from '../../../todo/domain/todo';
import type { AddTodoToList, SeenTodo } from '../../domain/list';
import { ListWrite } from '../list-write';
import type { ListWriteOptions, ListWriteResult } from '../list-write';

/** Add a todo that exists to a list: what callers send. */
export class AddTodoToListCommand extends Command<ListWriteResult> {
  constructor(
    readonly listId: string,
    readonly todoId: string,
    readonly options: ListWriteOptions = {},
  ) {
    super();
  }
}

/** The append itself, once the todo was found: on the generic command path. */
export class AddSeenTodoToListCommand extends ListWrite {
  constructor(
    readonly listId: string,
    readonly todoId: string,
    readonly todo: SeenTodo,
    options: ListWriteOptions = {},
  ) {
    super(listId, options);
  }

  toDomainCommand({ now }: DomainCommandInput): AddTodoToList {
    return {
      type: 'AddTodoToList',
      data: { listId: this.listId, todoId: this.todoId, todo: this.todo, now },
    };
  }
}

/**
 * Adds a todo that exists. Whether it does is asked of the todo module's read side (its public
 * `GetTodoQuery`), outside the list's transaction: a todo is never created again once deleted,
 * so the answer can only go stale by a delete racing this add, and a deleted todo leaves every
 * list's view anyway. A deleted todo answers as one that does not exist.
 */
@CommandHandler(AddTodoToListCommand)
export class AddTodoToListHandler implements ICommandHandler<
  AddTodoToListCommand,
  ListWriteResult
> {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  async execute({ listId, todoId, options }: AddTodoToListCommand): Promise<ListWriteResult> {
    const todo = await this.queries.execute(new GetTodoQuery(todoId)).catch((error: unknown) => {
      throw error instanceof TodoDeletedError ? new TodoNotFoundError(todoId) : error;
    });
    const seen = { title: todo.title, completed: todo.completed, version: todo.version };
    return this.commands.execute(new AddSeenTodoToListCommand(listId, todoId, seen, options));
  }
}
