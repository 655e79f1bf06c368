import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ClientBase, DatabaseError } from 'pg';
import { DataSource } from 'typeorm';
import { pgPoolOf, queryNamed } from '../database/pg-pool';
import type { NamedStatement } from '../database/pg-pool';
import { ConcurrencyError } from './concurrency.error';
import type { Event, EventMetadata, NewEvent, RecordedEvent } from './event';
import { EventStore } from './event-store';
import type { AppendOptions, AppendResult, ReadStreamOptions } from './event-store';
import { EVENT_STORE_OBSERVER } from './event-store-observer';
import type { EventStoreObserver } from './event-store-observer';
import { InlineProjectionRegistry } from './inline-projection';
import type { SqlTransaction } from './inline-projection';
import { rollbackQuietly, sqlTransactionOf } from './pg-transaction';
import { UpcasterRegistry } from './upcaster';

type EventRow = {
  sequence: string;
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  metadata: EventMetadata | null;
  created_at: Date;
  schema_version: number;
};

// NULL bounds mean "unbounded", so one statement (on the primary key) serves every slice.
const READ_STREAM: NamedStatement = {
  name: 'event_store_read_stream',
  text: `
  SELECT sequence, event_id, event_type, payload, metadata, created_at, schema_version
  FROM events
  WHERE aggregate_id = $1
    AND sequence >= COALESCE($2::bigint, 1)
    AND ($3::bigint IS NULL OR sequence <= $3::bigint)
  ORDER BY sequence
  LIMIT $4::bigint`,
};

// One statement appends the whole batch. The WHERE clause refuses a writer whose expected
// version is behind or ahead of the stream; two writers that both pass it collide on the
// primary key (aggregate_id, sequence), so the database, not this process, picks the winner.
const APPEND: NamedStatement = {
  name: 'event_store_append',
  text: `
  INSERT INTO events (aggregate_id, sequence, event_type, payload, metadata, schema_version)
  SELECT $1::uuid, $2::bigint + e.ord, e.event_type, e.payload, e.metadata, e.schema_version
  FROM unnest($3::text[], $4::jsonb[], $5::jsonb[], $6::int[])
    WITH ORDINALITY AS e(event_type, payload, metadata, schema_version, ord)
  WHERE $2::bigint = (SELECT COALESCE(MAX(sequence), 0) FROM events WHERE aggregate_id = $1::uuid)
  RETURNING sequence, event_id, created_at`,
};

const STREAM_VERSION: NamedStatement = {
  name: 'event_store_stream_version',
  text: `SELECT COALESCE(MAX(sequence), 0) AS version FROM events WHERE aggregate_id = $1`,
};

const UNIQUE_VIOLATION = '23505';
const SEQUENCE_CONSTRAINT = 'events_pkey';

/**
 * `EventStore` on PostgreSQL, on the connection pool under a TypeORM `DataSource`. Statements go
 * straight to the pg driver as named (prepared) statements: TypeORM's query runner would add
 * work to every round trip of the hottest path and nothing it needs.
 */
@Injectable()
export class PostgresEventStore extends EventStore {
  constructor(
    private readonly dataSource: DataSource,
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
    const { fromSequence, toSequence, limit } = options;
    const rows = await queryNamed<EventRow>(this.dataSource, READ_STREAM, [
      streamId,
      positive('fromSequence', fromSequence),
      positive('toSequence', toSequence),
      positive('limit', limit),
    ]);
    return rows.map(
      (row) =>
        ({
          type: row.event_type,
          data: this.upcasters.upcast(row.event_type, row.schema_version, row.payload),
          streamId,
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
    options: AppendOptions = {},
  ): Promise<AppendResult<E>> {
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      throw new RangeError(
        `Expected version must be a non-negative integer, got ${expectedVersion}.`,
      );
    }
    if (events.length === 0) return { nextExpectedVersion: expectedVersion, events: [] };

    const client = await pgPoolOf(this.dataSource).connect();
    // The pool listens for errors only on idle connections. Without a listener of our own, a
    // connection lost between two statements would crash the process with an unhandled 'error'.
    let lost: Error | undefined;
    const onError = (error: Error) => (lost = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const recorded = await this.insert(client, streamId, expectedVersion, events);
      const transaction = sqlTransactionOf(client);
      await this.project(transaction, recorded);
      await options.beforeCommit?.(transaction, recorded);
      await client.query('COMMIT');
      this.observer?.appended(streamId, events.length);
      return { nextExpectedVersion: expectedVersion + events.length, events: recorded };
    } catch (error) {
      await rollbackQuietly(client);
      if (isSequenceConflict(error)) {
        this.observer?.conflicted(streamId);
        // Asked on this transaction's own connection: taking a second one from the pool while
        // holding this one deadlocks a busy pool (every holder waits for a free connection).
        throw new ConcurrencyError(
          streamId,
          expectedVersion,
          await this.versionOf(streamId, client),
        );
      }
      if (error instanceof ConcurrencyError) this.observer?.conflicted(streamId);
      throw error;
    } finally {
      client.off('error', onError);
      // A lost connection goes back with its error, so the pool drops it instead of lending it.
      client.release(lost);
    }
  }

  private async insert<E extends Event>(
    client: ClientBase,
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent<E>[],
  ): Promise<RecordedEvent<E>[]> {
    const result = await client.query<{ sequence: string; event_id: string; created_at: Date }>({
      ...APPEND,
      values: [
        streamId,
        expectedVersion,
        events.map((event) => event.type),
        events.map((event) => JSON.stringify(event.data)),
        events.map((event) => JSON.stringify(event.metadata ?? {})),
        events.map((event) => this.upcasters.currentVersion(event.type)),
      ],
    });
    if (result.rows.length === 0) {
      throw new ConcurrencyError(streamId, expectedVersion, await this.versionOf(streamId, client));
    }
    const rows = [...result.rows].sort((a, b) => Number(a.sequence) - Number(b.sequence));
    return events.map((event, index) => {
      const row = rows[index];
      if (!row)
        throw new Error(`The store returned ${rows.length} rows for ${events.length} events.`);
      return {
        ...event,
        streamId,
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
      const wanted = new Set<string>(projection.eventTypes);
      await projection.apply(
        transaction,
        events.filter((event) => wanted.has(event.type)),
      );
    }
  }

  private async versionOf(streamId: string, client: ClientBase): Promise<number | undefined> {
    try {
      const { rows } = await client.query<{ version: string }>({
        ...STREAM_VERSION,
        values: [streamId],
      });
      return rows[0] ? Number(rows[0].version) : undefined;
    } catch {
      // Only used to enrich the error message; the conflict itself is already certain.
      return undefined;
    }
  }
}

function positive(name: string, value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

function isSequenceConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as Partial<DatabaseError>;
  return code === UNIQUE_VIOLATION && constraint === SEQUENCE_CONSTRAINT;
}
