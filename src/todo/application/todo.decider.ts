import type { Decider } from '../../event-store';
import { decide, evolve, initialTodo } from '../domain/todo';
import type { Todo } from '../domain/todo';
import type { TodoCommand } from '../domain/todo';
import type { TodoEvent } from '../domain/todo';

/**
 * The todo aggregate as the event store's generic command handler runs it. A snapshot every
 * 100 events keeps loading (for commands and for `?version=`) to at most 100 events however
 * long a todo's history grows; raise `schemaVersion` whenever the shape of `Todo` changes.
 */
export const todoDecider: Decider<Todo, TodoCommand, TodoEvent> = {
  streamType: 'todo',
  initialState: initialTodo,
  evolve,
  decide,
  snapshot: { schemaVersion: 1, every: 100 },
};
