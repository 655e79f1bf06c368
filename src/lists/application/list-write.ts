import type { CommandResult, IdempotencyRequest } from '../../event-store';
import type { TodoList } from '../domain/list';
import type { ListEvent } from '../domain/list.events';

/** What a list command did, as the generic command handler reports it. */
export type ListWriteResult = CommandResult<TodoList, ListEvent>;

/** What a caller may add to any list write. */
export type ListWriteOptions = {
  /** The versions the caller accepts (`If-Match`); leave out to write on the latest state. */
  expectedVersions?: readonly number[];
  /** Run at most once for this key; a retry gets the first run's result, marked `replayed`. */
  idempotency?: IdempotencyRequest;
};
