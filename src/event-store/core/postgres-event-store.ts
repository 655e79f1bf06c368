import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DatabaseError } from 'pg';
import { Database } from '../../database/database';
import type { NamedStatement, Queryable } from '../../database/database';
import { ConcurrencyError, StreamTypeMismatchError } from './concurrency.error';
import type { Event, EventMetadata, NewEvent, RecordedEvent } from './event';
import { EventStore } from './event-store';
import type {
  AppendOptions,
  AppendResult,
  ReadSnapshotOptions,
  ReadStreamOptions,
  Snapshot,
} from './event-store';
import { selecting } from './event-selection';
import { EVENT_STORE_OBSERVER } from './event-store-observer';
import type { EventStoreObserver } from './event-store-observer';
import { InlineProjectionRegistry } from './inline-projection';
import type { SqlTransaction } from './inline-projection';
import { UpcasterRegistry } from './upcaster';
import { assertExpectedVersion, positive } from './store-arguments';

type EventRow = {
  sequence: string;
  event_id: string;
  event_type: string;
  stream_type: string;
  payload: Record<string, unknown>;
  metadata: EventMetadata | null;
  created_at: Date;
  schema_version: number;
};

// NULL bounds mean "unbounded", so one statement (on the primary key) serves every slice.
// Every event of a stream has the same type, so filtering by it hides a stream of another type.
const READ_STREAM: NamedStatement = {
  name: 'event_store_read_stream',
  text: `
  SELECT sequence, event_id, event_type, stream_type, payload, metadata, created_at, schema_version
  FROM events
  WHERE aggregate_id = $1
    AND sequence >= COALESCE($2::bigint, 1)
    AND ($3::bigint IS NULL OR sequence <= $3::bigint)
    AND ($5::text IS NULL OR stream_type = $5::text)
  ORDER BY sequence
  LIMIT $4::bigint`,
};

// One statement appends the whole batch. The WHERE clause refuses a writer whose expected
// version is behind or ahead of the stream, or whose stream type is not the stream's; two
// writers that both pass it collide on the primary key (aggregate_id, sequence), so the
// database, not this process, picks the winner.
const APPEND: NamedStatement = {
  name: 'event_store_append',
  text: `
  WITH head AS (
    SELECT sequence, stream_type FROM events WHERE aggregate_id = $1::uuid
    ORDER BY sequence DESC LIMIT 1
  )
  INSERT INTO events
    (aggregate_id, sequence, stream_type, event_type, payload, metadata, schema_version)
  SELECT $1::uuid, $2::bigint + e.ord, $7::text, e.event_type, e.payload, e.metadata, e.schema_version
  FROM unnest($3::text[], $4::jsonb[], $5::jsonb[], $6::int[])
    WITH ORDINALITY AS e(event_type, payload, metadata, schema_version, ord)
  WHERE $2::bigint = COALESCE((SELECT sequence FROM head), 0)
    AND $7::text = COALESCE((SELECT stream_type FROM head), $7::text)
  RETURNING sequence, event_id, created_at`,
};

const STREAM_HEAD: NamedStatement = {
  name: 'event_store_stream_head',
  text: `
  SELECT sequence AS version, stream_type FROM events WHERE aggregate_id = $1
  ORDER BY sequence DESC LIMIT 1`,
};

// Several writers never snapshot the same version of a stream (only one append reaches it), so
// a conflict can only be a retried identical write.
const WRITE_SNAPSHOT: NamedStatement = {
  name: 'event_store_write_snapshot',
  text: `
  INSERT INTO snapshots (stream_id, stream_type, version, schema_version, state)
  VALUES ($1, $2, $3, $4, $5::jsonb)
  ON CONFLICT (tenant_id, stream_id, schema_version, version) DO NOTHING`,
};

const READ_SNAPSHOT: NamedStatement = {
  name: 'event_store_read_snapshot',
  text: `
  SELECT version, state FROM snapshots
  WHERE stream_id = $1 AND schema_version = $2 AND stream_type = $3
    AND ($4::bigint IS NULL OR version <= $4::bigint)
  ORDER BY version DESC
  LIMIT 1`,
};

const UNIQUE_VIOLATION = '23505';
const SEQUENCE_CONSTRAINT = 'events_pkey';

/**
 * `EventStore` on PostgreSQL, on the process's connection pool. Every statement of the hot path
 * is named, so each pooled connection prepares it once.
 */
@Injectable()
export class PostgresEventStore extends EventStore {
  constructor(
    private readonly database: Database,
    private readonly projections: InlineProjectionRegistry,
    private readonly upcasters: UpcasterRegistry = new UpcasterRegistry(),
    @Optional()
    @Inject(EVENT_STORE_OBSERVER)
    private readonly observer?: EventStoreObserver,
  ) {
    super();
  }

  async readStream<E extends Event = Event>(
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<RecordedEvent<E>[]> {
    const { fromSequence, toSequence, limit, streamType } = options;
    const { rows } = await this.database.query<EventRow>(READ_STREAM, [
      streamId,
      positive('fromSequence', fromSequence) ?? null,
      positive('toSequence', toSequence) ?? null,
      positive('limit', limit) ?? null,
      streamType ?? null,
    ]);
    return rows.map(
      (row) =>
        ({
          type: row.event_type,
          data: this.upcasters.upcast(row.event_type, row.schema_version, row.payload),
          streamId,
          streamType: row.stream_type,
          sequence: Number(row.sequence),
          eventId: row.event_id,
          metadata: row.metadata ?? {},
          recordedAt: row.created_at,
        }) as RecordedEvent<E>,
    );
  }

  async append<E extends Event>(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent<E>[],
    options: AppendOptions,
  ): Promise<AppendResult<E>> {
    assertExpectedVersion(expectedVersion);
    if (events.length === 0) return { nextExpectedVersion: expectedVersion, events: [] };
    const { streamType, snapshot } = options;
    if (snapshot) positive('snapshot.schemaVersion', snapshot.schemaVersion);

    try {
      const recorded = await this.database.transaction(async (transaction) => {
        const recorded = await this.insert(
          transaction,
          streamId,
          streamType,
          expectedVersion,
          events,
        );
        await this.project(transaction, recorded);
        if (snapshot) {
          await transaction.query(WRITE_SNAPSHOT, [
            streamId,
            streamType,
            expectedVersion + events.length,
            snapshot.schemaVersion,
            JSON.stringify(snapshot.state),
          ]);
        }
        await options.beforeCommit?.(transaction, recorded);
        return recorded;
      });
      this.observer?.appended(streamId, events.length);
      return { nextExpectedVersion: expectedVersion + events.length, events: recorded };
    } catch (error) {
      // The transaction has given its connection back, so asking why on a fresh one cannot
      // deadlock a busy pool.
      const failure = isSequenceConflict(error)
        ? await this.refusal(this.database, streamId, streamType, expectedVersion)
        : error;
      if (failure instanceof ConcurrencyError) this.observer?.conflicted(streamId);
      throw failure;
    }
  }

  private async insert<E extends Event>(
    transaction: Queryable,
    streamId: string,
    streamType: string,
    expectedVersion: number,
    events: readonly NewEvent<E>[],
  ): Promise<RecordedEvent<E>[]> {
    const result = await transaction.query<{
      sequence: string;
      event_id: string;
      created_at: Date;
    }>(APPEND, [
      streamId,
      expectedVersion,
      events.map((event) => event.type),
      events.map((event) => JSON.stringify(event.data)),
      events.map((event) => JSON.stringify(event.metadata ?? {})),
      events.map((event) => this.upcasters.currentVersion(event.type)),
      streamType,
    ]);
    if (result.rows.length === 0) {
      throw await this.refusal(transaction, streamId, streamType, expectedVersion);
    }
    const rows = [...result.rows].sort((a, b) => Number(a.sequence) - Number(b.sequence));
    return events.map((event, index) => {
      const row = rows[index];
      if (!row)
        throw new Error(`The store returned ${rows.length} rows for ${events.length} events.`);
      return {
        ...event,
        streamId,
        streamType,
        sequence: Number(row.sequence),
        eventId: row.event_id,
        metadata: event.metadata ?? {},
        recordedAt: row.created_at,
      };
    });
  }

  private async project(
    transaction: SqlTransaction,
    events: readonly RecordedEvent[],
  ): Promise<void> {
    const projections = this.projections.interestedIn(new Set(events.map((event) => event.type)));
    for (const projection of projections) {
      const wanted = events.filter(selecting(projection));
      if (wanted.length > 0) await projection.apply(transaction, wanted);
    }
  }

  async readSnapshot<S = unknown>(
    streamId: string,
    options: ReadSnapshotOptions,
  ): Promise<Snapshot<S> | undefined> {
    const { streamType, schemaVersion, atOrBelow } = options;
    const { rows } = await this.database.query<{ version: string; state: S }>(READ_SNAPSHOT, [
      streamId,
      positive('schemaVersion', schemaVersion),
      streamType,
      positive('atOrBelow', atOrBelow) ?? null,
    ]);
    const row = rows[0];
    if (!row) return undefined;
    return { streamId, streamType, version: Number(row.version), schemaVersion, state: row.state };
  }

  /**
   * Why an append that wrote nothing was refused: the stream has another type, or it is at
   * another version. Asked inside the appending transaction while it still holds its connection:
   * taking a second one from the pool while holding one deadlocks a busy pool (every holder
   * waits for a free connection).
   */
  private async refusal(
    connection: Queryable,
    streamId: string,
    streamType: string,
    expectedVersion: number,
  ): Promise<Error> {
    const head = await this.headOf(streamId, connection);
    if (head && head.streamType !== streamType) {
      return new StreamTypeMismatchError(streamId, streamType, head.streamType);
    }
    const actualVersion = head === undefined ? undefined : (head?.version ?? 0);
    return new ConcurrencyError(streamId, expectedVersion, actualVersion);
  }

  /** The stream's version and type; null when it has no events, undefined when unknown. */
  private async headOf(
    streamId: string,
    connection: Queryable,
  ): Promise<{ version: number; streamType: string } | null | undefined> {
    try {
      const { rows } = await connection.query<{ version: string; stream_type: string }>(
        STREAM_HEAD,
        [streamId],
      );
      const row = rows[0];
      return row ? { version: Number(row.version), streamType: row.stream_type } : null;
    } catch {
      // Only used to explain the refusal; that the append was refused is already certain.
      return undefined;
    }
  }
}

function isSequenceConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as Partial<DatabaseError>;
  return code === UNIQUE_VIOLATION && constraint === SEQUENCE_CONSTRAINT;
}
