import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import type { ListWriteOptions } from '../list-write';
import { ListWriter } from '../list-writer';
import type { ListWriteOutcome } from '../list-writer';

export class ArchiveListCommand extends Command<ListWriteOutcome> {
  constructor(
    readonly listId: string,
    /** Then complete every open todo of the list (a policy, after this command's commit). */
    readonly completeOpenTodos: boolean,
    readonly options: ListWriteOptions = {},
  ) {
    super();
  }
}

@CommandHandler(ArchiveListCommand)
export class ArchiveListHandler implements ICommandHandler<ArchiveListCommand, ListWriteOutcome> {
  constructor(private readonly lists: ListWriter) {}

  execute({ listId, completeOpenTodos, options }: ArchiveListCommand): Promise<ListWriteOutcome> {
    return this.lists.write(
      listId,
      { type: 'ArchiveList', data: { listId, completeOpenTodos, now: this.lists.now() } },
      options,
    );
  }
}
