import { DeciderCommand } from '../../event-store';
import type { CommandResult, DeciderCommandOptions } from '../../event-store';
import type { Todo } from '../domain/todo';
import type { TodoCommand } from '../domain/todo';
import type { TodoEvent } from '../domain/todo';
import { todoDecider } from './todo.decider';

/** What a todo command did, as the generic command handler reports it. */
export type TodoWriteResult = CommandResult<Todo, TodoEvent>;

/**
 * What a caller may add to any todo write: `expectedVersions` (`If-Match`; leave out to write on
 * the latest state) and `idempotency` (run at most once for this key; a retry gets the first
 * run's result, marked `replayed`).
 */
export type TodoWriteOptions = DeciderCommandOptions;

/**
 * A todo command for the CommandBus. The event store's one generic handler runs every subclass
 * on `todoDecider` with the service's clock, ids and request metadata: a new todo command is a
 * subclass saying which domain command it stands for, with no handler of its own.
 */
export abstract class TodoWrite extends DeciderCommand<Todo, TodoCommand, TodoEvent> {
  protected constructor(todoId: string | undefined, options: TodoWriteOptions = {}) {
    super(todoDecider, todoId, options);
  }
}
