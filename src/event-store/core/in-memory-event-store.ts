import { ConcurrencyError, StreamTypeMismatchError } from './concurrency.error';
import type { Event, NewEvent, RecordedEvent } from './event';
import { EventStore } from './event-store';
import type { AppendOptions, AppendResult, ReadStreamOptions, Snapshot } from './event-store';
import type { SqlTransaction } from './inline-projection';
import { assertExpectedVersion, positive } from './store-arguments';

type Stream = { type: string; events: RecordedEvent[]; snapshots: Snapshot[] };

// Hooks written for PostgreSQL cannot run here; failing loudly beats pretending they committed.
const NO_SQL: SqlTransaction = {
  query: () => Promise.reject(new Error('The in-memory event store runs no SQL.')),
};

/**
 * `EventStore` in memory, for unit tests of command logic: the same contract as the PostgreSQL
 * store (the shared contract suite runs against both) in microseconds, with no database.
 * Inline projections do not run; `beforeCommit` runs with a transaction that refuses SQL, and
 * an error it throws discards the append as a rollback would.
 */
export class InMemoryEventStore extends EventStore {
  private readonly streams = new Map<string, Stream>();
  private readonly appending = new Map<string, Promise<unknown>>();
  private nextEventId = 1;

  // Async so that bad bounds reject, as they do on PostgreSQL, instead of throwing at the call.
  // eslint-disable-next-line @typescript-eslint/require-await
  async readStream<E extends Event = Event>(
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<RecordedEvent<E>[]> {
    const from = positive('fromSequence', options.fromSequence) ?? 1;
    const to = positive('toSequence', options.toSequence) ?? Number.MAX_SAFE_INTEGER;
    const limit = positive('limit', options.limit) ?? Number.MAX_SAFE_INTEGER;
    const stream = this.streams.get(streamId);
    if (!stream || (options.streamType !== undefined && stream.type !== options.streamType)) {
      return [];
    }
    const slice = stream.events
      .filter((event) => event.sequence >= from && event.sequence <= to)
      .slice(0, limit);
    return slice.map((event) => copy(event) as RecordedEvent<E>);
  }

  /**
   * Appends of one stream run one after the other, as the row locks of PostgreSQL would order
   * them: whatever a hook records belongs to an append that then commits.
   */
  append<E extends Event>(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent<E>[],
    options: AppendOptions,
  ): Promise<AppendResult<E>> {
    const previous = this.appending.get(streamId) ?? Promise.resolve();
    const result = previous.then(() => this.appendNow(streamId, expectedVersion, events, options));
    const settled = result.catch(() => undefined);
    this.appending.set(streamId, settled);
    void settled.then(() => {
      if (this.appending.get(streamId) === settled) this.appending.delete(streamId);
    });
    return result;
  }

  private async appendNow<E extends Event>(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent<E>[],
    options: AppendOptions,
  ): Promise<AppendResult<E>> {
    assertExpectedVersion(expectedVersion);
    const existing = this.streams.get(streamId);
    if (existing && existing.type !== options.streamType) {
      throw new StreamTypeMismatchError(streamId, options.streamType, existing.type);
    }
    if (events.length === 0) return { nextExpectedVersion: expectedVersion, events: [] };
    const actual = existing?.events.length ?? 0;
    if (actual !== expectedVersion) {
      throw new ConcurrencyError(streamId, expectedVersion, actual);
    }
    const recordedAt = new Date();
    const recorded = events.map(
      (event, index) =>
        ({
          type: event.type,
          data: structuredClone(event.data),
          metadata: structuredClone(event.metadata ?? {}),
          streamId,
          streamType: options.streamType,
          sequence: expectedVersion + index + 1,
          eventId: `00000000-0000-4000-8000-${String(this.nextEventId++).padStart(12, '0')}`,
          recordedAt,
        }) as RecordedEvent<E>,
    );
    await options.beforeCommit?.(NO_SQL, recorded);
    const stream = existing ?? { type: options.streamType, events: [], snapshots: [] };
    stream.events.push(...recorded.map(copy));
    const version = expectedVersion + events.length;
    if (options.snapshot) {
      stream.snapshots.push({
        streamId,
        streamType: options.streamType,
        version,
        schemaVersion: options.snapshot.schemaVersion,
        state: structuredClone(options.snapshot.state),
      });
    }
    this.streams.set(streamId, stream);
    return { nextExpectedVersion: version, events: recorded };
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async readSnapshot<S = unknown>(
    streamId: string,
    options: { streamType: string; schemaVersion: number; atOrBelow?: number },
  ): Promise<Snapshot<S> | undefined> {
    const stream = this.streams.get(streamId);
    if (!stream || stream.type !== options.streamType) return undefined;
    const bound = positive('atOrBelow', options.atOrBelow) ?? Number.MAX_SAFE_INTEGER;
    const found = stream.snapshots
      .filter((s) => s.schemaVersion === options.schemaVersion && s.version <= bound)
      .reduce<Snapshot | undefined>(
        (best, s) => (best === undefined || s.version > best.version ? s : best),
        undefined,
      );
    return found && ({ ...found, state: structuredClone(found.state) } as Snapshot<S>);
  }
}

/** A copy the caller may change without changing the store; `recordedAt` stays a `Date`. */
function copy(event: RecordedEvent): RecordedEvent {
  return {
    ...event,
    data: structuredClone(event.data),
    metadata: structuredClone(event.metadata),
    recordedAt: new Date(event.recordedAt.getTime()),
  };
}
