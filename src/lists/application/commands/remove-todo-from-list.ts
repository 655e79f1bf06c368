import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import type { ListWriteOptions } from '../list-write';
import { ListWriter } from '../list-writer';
import type { ListWriteOutcome } from '../list-writer';

export class RemoveTodoFromListCommand extends Command<ListWriteOutcome> {
  constructor(
    readonly listId: string,
    readonly todoId: string,
    readonly options: ListWriteOptions = {},
  ) {
    super();
  }
}

@CommandHandler(RemoveTodoFromListCommand)
export class RemoveTodoFromListHandler implements ICommandHandler<
  RemoveTodoFromListCommand,
  ListWriteOutcome
> {
  constructor(private readonly lists: ListWriter) {}

  execute({ listId, todoId, options }: RemoveTodoFromListCommand): Promise<ListWriteOutcome> {
    return this.lists.write(
      listId,
      { type: 'RemoveTodoFromList', data: { listId, todoId, now: this.lists.now() } },
      options,
    );
  }
}
