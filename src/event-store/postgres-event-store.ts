import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import type { QueryRunner } from 'typeorm';
import { ConcurrencyError } from './concurrency.error';
import type { Event, EventMetadata, NewEvent, RecordedEvent } from './event';
import { EventStore } from './event-store';
import type { AppendOptions, AppendResult, ReadStreamOptions } from './event-store';
import { EVENT_STORE_OBSERVER } from './event-store-observer';
import type { EventStoreObserver } from './event-store-observer';
import { InlineProjectionRegistry } from './inline-projection';
import type { SqlTransaction } from './inline-projection';
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
const READ_STREAM = `
  SELECT sequence, event_id, event_type, payload, metadata, created_at, schema_version
  FROM events
  WHERE aggregate_id = $1
    AND sequence >= COALESCE($2::bigint, 1)
    AND ($3::bigint IS NULL OR sequence <= $3::bigint)
  ORDER BY sequence
  LIMIT $4::bigint`;

// One statement appends the whole batch. The WHERE clause refuses a writer whose expected
// version is behind or ahead of the stream; two writers that both pass it collide on the
// primary key (aggregate_id, sequence), so the database, not this process, picks the winner.
const APPEND = `
  INSERT INTO events (aggregate_id, sequence, event_type, payload, metadata, schema_version)
  SELECT $1::uuid, $2::bigint + e.ord, e.event_type, e.payload, e.metadata, e.schema_version
  FROM unnest($3::text[], $4::jsonb[], $5::jsonb[], $6::int[])
    WITH ORDINALITY AS e(event_type, payload, metadata, schema_version, ord)
  WHERE $2::bigint = (SELECT COALESCE(MAX(sequence), 0) FROM events WHERE aggregate_id = $1::uuid)
  RETURNING sequence, event_id, created_at`;

const STREAM_VERSION = `SELECT COALESCE(MAX(sequence), 0) AS version FROM events WHERE aggregate_id = $1`;

const UNIQUE_VIOLATION = '23505';
const SEQUENCE_CONSTRAINT = 'events_pkey';

/** `EventStore` on PostgreSQL through a TypeORM `DataSource`, with raw parameterised SQL. */
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
    const rows: EventRow[] = await this.dataSource.query(READ_STREAM, [
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

    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      const recorded = await this.insert(runner, streamId, expectedVersion, events);
      const transaction = transactionOf(runner);
      await this.project(transaction, recorded);
      await options.beforeCommit?.(transaction, recorded);
      await runner.commitTransaction();
      this.observer?.appended(streamId, events.length);
      return { nextExpectedVersion: expectedVersion + events.length, events: recorded };
    } catch (error) {
      await rollbackQuietly(runner);
      if (isSequenceConflict(error)) {
        this.observer?.conflicted(streamId);
        // Asked on this transaction's own connection: taking a second one from the pool while
        // holding this one deadlocks a busy pool (every holder waits for a free connection).
        throw new ConcurrencyError(
          streamId,
          expectedVersion,
          await this.versionOf(streamId, runner),
        );
      }
      if (error instanceof ConcurrencyError) this.observer?.conflicted(streamId);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async insert<E extends Event>(
    runner: QueryRunner,
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent<E>[],
  ): Promise<RecordedEvent<E>[]> {
    const result: { records: { sequence: string; event_id: string; created_at: Date }[] } =
      await runner.query(
        APPEND,
        [
          streamId,
          expectedVersion,
          events.map((event) => event.type),
          events.map((event) => JSON.stringify(event.data)),
          events.map((event) => JSON.stringify(event.metadata ?? {})),
          events.map((event) => this.upcasters.currentVersion(event.type)),
        ],
        true,
      );
    if (result.records.length === 0) {
      throw new ConcurrencyError(streamId, expectedVersion, await this.versionOf(streamId, runner));
    }
    const rows = [...result.records].sort((a, b) => Number(a.sequence) - Number(b.sequence));
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

  private async versionOf(streamId: string, runner?: QueryRunner): Promise<number | undefined> {
    try {
      const rows = (await (runner
        ? runner.query(STREAM_VERSION, [streamId])
        : this.dataSource.query(STREAM_VERSION, [streamId]))) as { version: string }[];
      return rows[0] ? Number(rows[0].version) : undefined;
    } catch {
      // Only used to enrich the error message; the conflict itself is already certain.
      return undefined;
    }
  }
}

function transactionOf(runner: QueryRunner): SqlTransaction {
  return {
    query: async <Row>(sql: string, parameters: readonly unknown[] = []) => {
      const result: { records: Row[]; affected?: number } = await runner.query(
        sql,
        [...parameters],
        true,
      );
      return { rows: result.records, rowCount: result.affected ?? result.records.length };
    },
  };
}

function positive(name: string, value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

function isSequenceConflict(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION && driverError.constraint === SEQUENCE_CONSTRAINT;
}

async function rollbackQuietly(runner: QueryRunner): Promise<void> {
  if (!runner.isTransactionActive) return;
  try {
    await runner.rollbackTransaction();
  } catch {
    // The connection is already broken; PostgreSQL discards the transaction by itself, and the
    // original error is the one worth reporting.
  }
}
