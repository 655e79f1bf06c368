import type { DomainCommandInput } from '../../../event-store';
import type { RenameList } from '../../domain/list';
import { ListWrite } from '../list-write';
import type { ListWriteOptions } from '../list-write';

export class RenameListCommand extends ListWrite {
  constructor(
    readonly listId: string,
    readonly name: string,
    options: ListWriteOptions = {},
  ) {
    super(listId, options);
  }

  toDomainCommand({ now }: DomainCommandInput): RenameList {
    return { type: 'RenameList', data: { listId: this.listId, name: this.name, now } };
  }
}
