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

/** The stream's type, and extra work for the appending transaction. */
export type AppendOptions = {
  /**
   * The stream's type, e.g. `todo`. A new stream takes it; appending to an existing stream of
   * another type throws `StreamTypeMismatchError` and writes nothing.
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
  /**
   * A snapshot of the stream's state, written in the same transaction at the stream's version
   * after this append (so it can never disagree with the log). Nothing is written when there
   * are no events to append.
   */
  snapshot?: { schemaVersion: number; state: unknown };
};

/**
 * A stream's state as some code folded it at `version`. `schemaVersion` is the shape of `state`
 * as its writer defines it: a reader asks for the shape it understands, so changing the shape
 * (and its number) makes old snapshots invisible instead of breaking loads.
 */
export type Snapshot<S = unknown> = {
  streamId: string;
  streamType: string;
  version: number;
  schemaVersion: number;
  state: S;
};

/** Which snapshot `readSnapshot` looks for. */
export type ReadSnapshotOptions = {
  streamType: string;
  schemaVersion: number;
  /** Only snapshots at this version or below (to rebuild the stream as it was then). */
  atOrBelow?: number;
};

/**
 * The event store port: streams of events addressed by an aggregate id (a UUID), each event
 * numbered 1, 2, 3, ... within its stream, each stream of one type (e.g. `todo`), with
 * snapshots of folded state beside the log. Also the Nest injection token.
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
   * `options.beforeCommit` adds the caller's own SQL to that transaction, and `options.snapshot`
   * stores a snapshot at the resulting version in it.
   *
   * @throws StreamTypeMismatchError when the stream exists with another type; nothing is
   *   written then.
   * @throws ConcurrencyError when the stream is at another version; nothing is written then.
   */
  abstract append<E extends Event>(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent<E>[],
    options: AppendOptions,
  ): Promise<AppendResult<E>>;

  /**
   * The latest snapshot of the stream with this schema version (and stream type), at or below
   * `atOrBelow` when given; undefined when there is none. Snapshots of other schema versions
   * are ignored.
   *
   * @throws RangeError when `schemaVersion` or `atOrBelow` is not a positive integer.
   */
  abstract readSnapshot<S = unknown>(
    streamId: string,
    options: ReadSnapshotOptions,
  ): Promise<Snapshot<S> | undefined>;
}
