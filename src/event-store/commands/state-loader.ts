import type { Event } from '../core/event';
import type { EventStore } from '../core/event-store';
import type { Decider } from './decider';
import { fold } from './decider';

/** A stream's state as a decider folds it, and the version it was folded to. */
export type LoadedState<State> = {
  state: State;
  version: number;
  /** The version of the snapshot the fold started from (0: none, from the first event). */
  snapshotVersion: number;
};

/**
 * Folds a stream from its latest usable snapshot (the decider's schema version, at or below
 * `atVersion` when given) plus the events after it, so the cost is bounded by the snapshot
 * policy instead of the stream's length. A stream of another type loads as new.
 */
export async function loadState<State, E extends Event>(
  store: EventStore,
  decider: Decider<State, never, E>,
  streamId: string,
  atVersion?: number,
): Promise<LoadedState<State>> {
  const snapshot = decider.snapshot
    ? await store.readSnapshot<State>(streamId, {
        streamType: decider.streamType,
        schemaVersion: decider.snapshot.schemaVersion,
        ...(atVersion === undefined ? {} : { atOrBelow: atVersion }),
      })
    : undefined;
  const from = snapshot?.version ?? 0;
  const events =
    atVersion !== undefined && from >= atVersion
      ? []
      : await store.readStream<E>(streamId, {
          streamType: decider.streamType,
          fromSequence: from + 1,
          ...(atVersion === undefined ? {} : { toSequence: atVersion }),
        });
  return {
    state: fold(decider, events, snapshot?.state ?? decider.initialState),
    version: events.at(-1)?.sequence ?? from,
    snapshotVersion: from,
  };
}
