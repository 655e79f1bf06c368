import type { Event } from '../core/event';

/**
 * An aggregate as pure functions: what it is before anything happened, how an event changes it
 * and which events a command raises. Everything the generic command handler needs to run
 * commands of a new aggregate; no class, no framework.
 */
export type Decider<State, Command, E extends Event> = {
  /** Names the aggregate's streams (e.g. `todo`); recorded with every event. */
  streamType: string;
  initialState: State;
  /** Folds one event into the state; events are facts, so this must not throw on a valid stream. */
  evolve: (state: State, event: E) => State;
  /** Checks the command against the state and returns the events it raises (none: no change). */
  decide: (command: Command, state: State) => E[];
  /**
   * Store the folded state with the append once this many events were written since the last
   * snapshot, so loading stays bounded however long the stream grows. Raise `schemaVersion`
   * whenever the state's shape changes: snapshots of other schema versions are ignored.
   */
  snapshot?: { schemaVersion: number; every: number };
};

/** The state after `events`, starting from `state` (the initial one by default). */
export function fold<State, E extends Event>(
  decider: Pick<Decider<State, never, E>, 'evolve' | 'initialState'>,
  events: readonly E[],
  state: State = decider.initialState,
): State {
  return events.reduce(decider.evolve, state);
}
