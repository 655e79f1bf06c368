import type { Decider } from '../../event-store';
import { decide, evolve, initialList } from '../domain/list';
import type { ListCommand, ListEvent, TodoList } from '../domain/list';

/**
 * The list aggregate as the event store's generic command handler runs it, on streams of type
 * `list`. A list changes at most ~2,000 times before it is full or archived; a snapshot every
 * 100 events keeps loading bounded anyway. Raise `schemaVersion` when `TodoList` changes shape.
 */
export const listDecider: Decider<TodoList, ListCommand, ListEvent> = {
  streamType: 'list',
  initialState: initialList,
  evolve,
  decide,
  snapshot: { schemaVersion: 1, every: 100 },
};
