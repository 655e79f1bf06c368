import type { DomainCommandInput } from '../../../event-store';
import type { ArchiveList } from '../../domain/list';
import { ListWrite } from '../list-write';
import type { ListWriteOptions } from '../list-write';

export class ArchiveListCommand extends ListWrite {
  constructor(
    readonly listId: string,
    /** Then complete every open todo of the list (a policy, after this command's commit). */
    readonly completeOpenTodos: boolean,
    options: ListWriteOptions = {},
  ) {
    super(listId, options);
  }

  toDomainCommand({ now }: DomainCommandInput): ArchiveList {
    return {
      type: 'ArchiveList',
      data: { listId: this.listId, completeOpenTodos: this.completeOpenTodos, now },
    };
  }
}
