import type { DomainCommandInput } from '../../../event-store';
import type { RemoveTodoFromList } from '../../domain/list';
import { ListWrite } from '../list-write';
import type { ListWriteOptions } from '../list-write';

export class RemoveTodoFromListCommand extends ListWrite {
  constructor(
    readonly listId: string,
    readonly todoId: string,
    options: ListWriteOptions = {},
  ) {
    super(listId, options);
  }

  toDomainCommand({ now }: DomainCommandInput): RemoveTodoFromList {
    return { type: 'RemoveTodoFromList', data: { listId: this.listId, todoId: this.todoId, now } };
  }
}
