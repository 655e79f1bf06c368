import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import type { IdempotencyRequest } from '../../../event-store';
import { ListWriter } from '../list-writer';
import type { ListWriteOutcome } from '../list-writer';

export class CreateListCommand extends Command<ListWriteOutcome> {
  constructor(
    readonly name: string,
    /** Run at most once for this key; a retry gets the first run's result. */
    readonly idempotency?: IdempotencyRequest,
  ) {
    super();
  }
}

@CommandHandler(CreateListCommand)
export class CreateListHandler implements ICommandHandler<CreateListCommand, ListWriteOutcome> {
  constructor(private readonly lists: ListWriter) {}

  execute({ name, idempotency }: CreateListCommand): Promise<ListWriteOutcome> {
    const listId = this.lists.newId();
    return this.lists.write(
      listId,
      { type: 'CreateList', data: { listId, name, now: this.lists.now() } },
      { idempotency, newStream: true },
    );
  }
}
