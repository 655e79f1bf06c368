import { Command, CommandHandler, QueryBus } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { GetTodoQuery } from '../../../todo/application/queries/get-todo.query';
import { TodoDeletedError, TodoNotFoundError } from '../../../todo/domain/todo.errors';
import type { ListWriteOptions } from '../list-write';
import { ListWriter } from '../list-writer';
import type { ListWriteOutcome } from '../list-writer';

export class AddTodoToListCommand extends Command<ListWriteOutcome> {
  constructor(
    readonly listId: string,
    readonly todoId: string,
    readonly options: ListWriteOptions = {},
  ) {
    super();
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
  ListWriteOutcome
> {
  constructor(
    private readonly lists: ListWriter,
    private readonly queries: QueryBus,
  ) {}

  async execute({ listId, todoId, options }: AddTodoToListCommand): Promise<ListWriteOutcome> {
    const todo = await this.queries.execute(new GetTodoQuery(todoId)).catch((error: unknown) => {
      throw error instanceof TodoDeletedError ? new TodoNotFoundError(todoId) : error;
    });
    return this.lists.write(
      listId,
      {
        type: 'AddTodoToList',
        data: {
          listId,
          todoId,
          todo: { title: todo.title, completed: todo.completed, version: todo.version },
          now: this.lists.now(),
        },
      },
      options,
    );
  }
}
