import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import type { ListWriteOptions } from '../list-write';
import { ListWriter } from '../list-writer';
import type { ListWriteOutcome } from '../list-writer';

export class RenameListCommand extends Command<ListWriteOutcome> {
  constructor(
    readonly listId: string,
    readonly name: string,
    readonly options: ListWriteOptions = {},
  ) {
    super();
  }
}

@CommandHandler(RenameListCommand)
export class RenameListHandler implements ICommandHandler<RenameListCommand, ListWriteOutcome> {
  constructor(private readonly lists: ListWriter) {}

  execute({ listId, name, options }: RenameListCommand): Promise<ListWriteOutcome> {
    return this.lists.write(
      listId,
      { type: 'RenameList', data: { listId, name, now: this.lists.now() } },
      options,
    );
  }
}
