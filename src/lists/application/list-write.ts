import { DeciderCommand } from '../../event-store';
import type { CommandResult, DeciderCommandOptions } from '../../event-store';
import type { ListCommand, ListEvent, TodoList } from '../domain/list';
import { listDecider } from './list.decider';

/** What a list command did, as the generic command handler reports it. */
export type ListWriteResult = CommandResult<TodoList, ListEvent>;

/** `expectedVersions` (`If-Match`) and `idempotency` (run at most once for this key). */
export type ListWriteOptions = DeciderCommandOptions;

/**
 * A list command for the CommandBus. The event store's one generic handler runs every subclass
 * on `listDecider` with the service's clock, ids and request metadata: a list command is a
 * subclass saying which domain command it stands for, with no handler of its own.
 */
export abstract class ListWrite extends DeciderCommand<TodoList, ListCommand, ListEvent> {
  protected constructor(listId: string | undefined, options: ListWriteOptions = {}) {
    super(listDecider, listId, options);
  }
}
