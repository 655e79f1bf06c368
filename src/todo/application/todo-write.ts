import type { CommandResult, IdempotencyRequest } from '../../event-store';
import type { Todo } from '../domain/todo';
import type { TodoEvent } from '../domain/todo.events';

/** What a todo command did, as the generic command handler reports it. */
export type TodoWriteResult = CommandResult<Todo, TodoEvent>;

/** What a caller may add to any todo write. */
export type TodoWriteOptions = {
  /** The versions the caller accepts (`If-Match`); leave out to write on the latest state. */
  expectedVersions?: readonly number[];
  /** Run at most once for this key; a retry gets the first run's result, marked `replayed`. */
  idempotency?: IdempotencyRequest;
};
