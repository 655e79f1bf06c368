import type { Event, NewEvent, RecordedEvent } from './event';
import type { SqlTransaction } from './inline-projection';

/** What `append` reports back. */
export type AppendResult<E extends Event = Event> = {
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  events: RecordedEvent<E>[];
};

/** Which part of a stream to read; every bound is optional and inclusive. */
export type ReadStreamOptions = {
  /** First sequence to return (default 1). */
  fromSequence?: number;
  /** Last sequence to return: reading up to N gives the stream as it was at version N. */
  toSequence?: number;
  /** At most this many events (default: all). */
  limit?: number;
  /** When set, a stream of another type reads as empty (as if it did not exist). */
  streamType?: string;
};

/** Extra work for the appending transaction. */
export type AppendOptions = {
  /**
   * The stream's type, e.g. 'todo'. Appending to an existing stream of another type throws
   * StreamTypeMismatchError (an EventStoreError) and writes nothing.
   */
  streamType: string;
  /**
   * Runs inside the appending transaction, after the events and the inline projections, just
   * before the commit. Whatever it writes commits together with the events, or not at all:
   * throwing rolls the whole append back and the error reaches the caller unchanged. Use it for
   * records that must never disagree with the log, such as a stored response to an idempotent
   * request.
   */
  beforeCommit?: (transaction: SqlTransaction, events: readonly RecordedEvent[]) => Promise<void>;
  /** Written in the same transaction, at the stream's version after this append. */
  snapshot?: { schemaVersion: number; state: unknown };
};

/** A stream's state folded up to `version`, as a decider's snapshot policy stored it. */
export type Snapshot<S = unknown> = {
  streamId: string;
  streamType: string;
  version: number;
  schemaVersion: number;
  state: S;
};

/**
 * The event store port: streams of events addressed by an aggregate id (a UUID), each event
 * numbered 1, 2, 3, ... within its stream. Also the Nest injection token.
 */
export abstract class EventStore {
  /**
   * The events of a stream in order, all of them or the slice `options` asks for; an empty array
   * when the stream (or the slice) has no events.
   *
   * @throws RangeError when a bound is not a positive integer (`limit`: 1 or more).
   */
  abstract readStream<E extends Event = Event>(
    streamId: string,
    options?: ReadStreamOptions,
  ): Promise<RecordedEvent<E>[]>;

  /**
   * Appends `events` to a stream that must be exactly at `expectedVersion` (0: the stream must
   * not exist yet). Registered inline projections run in the same transaction, so the events
   * and the read models they change commit together or not at all.
   *
   * `options.beforeCommit` adds the caller's own SQL to that transaction.
   *
   * @throws ConcurrencyError when the stream is at another version; nothing is written then.
   */
  abstract append<E extends Event>(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent<E>[],
    options: AppendOptions,
  ): Promise<AppendResult<E>>;

  /**
   * The latest snapshot of the stream with this schema version, at or below `atOrBelow` when
   * given; undefined when there is none. Snapshots of other schema versions are ignored.
   */
  abstract readSnapshot<S = unknown>(
    streamId: string,
    options: { streamType: string; schemaVersion: number; atOrBelow?: number },
  ): Promise<Snapshot<S> | undefined>;
}
