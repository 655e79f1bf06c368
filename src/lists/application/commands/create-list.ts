import type { DomainCommandInput, IdempotencyRequest } from '../../../event-store';
import type { CreateList } from '../../domain/list';
import { ListWrite } from '../list-write';

export class CreateListCommand extends ListWrite {
  constructor(
    readonly name: string,
    /** Run at most once for this key; a retry gets the first run's result. */
    readonly idempotency?: IdempotencyRequest,
  ) {
    // No id: the list gets a fresh one.
    super(undefined, { idempotency });
  }

  toDomainCommand({ streamId, now }: DomainCommandInput): CreateList {
    return { type: 'CreateList', data: { listId: streamId, name: this.name, now } };
  }
}
