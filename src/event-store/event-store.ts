import type { Event, NewEvent, RecordedEvent } from './event';

/** What `append` reports back. */
export type AppendResult<E extends Event = Event> = {
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  events: RecordedEvent<E>[];
};

/**
 * The event store port: streams of events addressed by an aggregate id (a UUID), each event
 * numbered 1, 2, 3, ... within its stream. Also the Nest injection token.
 */
export abstract class EventStore {
  /** All events of a stream in order; an empty array when the stream has no events. */
  abstract readStream<E extends Event = Event>(streamId: string): Promise<RecordedEvent<E>[]>;

  /**
   * Appends `events` to a stream that must be exactly at `expectedVersion` (0: the stream must
   * not exist yet). Registered inline projections run in the same transaction, so the events
   * and the read models they change commit together or not at all.
   *
   * @throws ConcurrencyError when the stream is at another version; nothing is written then.
   */
  abstract append<E extends Event>(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent<E>[],
  ): Promise<AppendResult<E>>;
}
