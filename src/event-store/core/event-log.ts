import { Inject, Injectable, Optional } from '@nestjs/common';
import { Database } from '../../database/database';
import type { NamedStatement, QueryResult } from '../../database/database';
import { WORKER_ROLE } from '../../database/tenancy';
import { currentTenantScope } from '../../database/tenant-scope';
import { LogTail } from './log-tail';
import type { PositionedEvent } from '../subscriptions/subscription';
import { EVENT_COLUMNS, positionedEvent } from './event-log-reader';
import type { EventRow } from './event-log-reader';
import { UpcasterRegistry } from './upcaster';

/** What to read from the global log, and from where. */
export type EventLogQuery = {
  /**
   * The `globalPosition` of the last event the reader has, or 0 for the start of the log. It
   * must be the position of an event this reader could see (one it was given).
   */
  after: number;
  /** At most this many events. */
  limit: number;
  /** Only events of these types (default: every type). */
  eventTypes?: readonly string[];
  /** Only events of streams of these types (default: every type). */
  streamTypes?: readonly string[];
  /**
   * Read every tenant's events, as background work that serves all tenants does (it then
   * writes only under the tenant of each event). Otherwise the reader sees the events of the
   * tenant its request acts for, and nothing outside a request.
   */
  acrossTenants?: boolean;
};

/**
 * A `start` table holding the place in the log's order of the event at position $1 (no row when
 * there is none), or the start of the log for 0: where a reader that was given $1 stands.
 */
export const READER_START = `WITH start AS (
    SELECT transaction_id, global_position FROM events
    WHERE global_position = $1::bigint AND $1::bigint > 0
    UNION ALL
    SELECT '0'::xid8, 0 WHERE $1::bigint = 0
  )`;

// One statement: the reader's position is turned into its place in the log's order (positions
// alone are not ordered by commit), then the events after it are read below the horizon of the
// oldest transaction still running, exactly as subscriptions read. `found` says whether the
// position named an event at all.
const READ: NamedStatement = {
  name: 'event_log_read_after',
  text: `
  ${READER_START}
  SELECT true AS found, e.* FROM start
  LEFT JOIN LATERAL (
    SELECT ${EVENT_COLUMNS} FROM events
    WHERE (transaction_id, global_position) > (start.transaction_id, start.global_position)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      AND ($2::text[] IS NULL OR event_type = ANY($2::text[]))
      AND ($3::text[] IS NULL OR stream_type = ANY($3::text[]))
    ORDER BY transaction_id, global_position
    LIMIT $4::int
  ) e ON true`,
};

const AT: NamedStatement = {
  name: 'event_log_at',
  text: `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position = $1::bigint`,
};

// The oldest event not yet complete-and-visible is what a reader at the horizon waits for; the
// newest visible one says how far the log reaches for a reader's lag.
const HEAD: NamedStatement = {
  name: 'event_log_head',
  text: `
  SELECT global_position, created_at FROM events
  WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
};

const LAG: NamedStatement = {
  name: 'event_log_lag_after',
  text: `
  ${READER_START}
  SELECT count(e.created_at)::int AS behind, min(e.created_at) AS oldest FROM start
  LEFT JOIN LATERAL (
    SELECT created_at FROM events
    WHERE (transaction_id, global_position) > (start.transaction_id, start.global_position)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY transaction_id, global_position
    LIMIT $2::int
  ) e ON true`,
};

/**
 * Random access to the global log for readers that keep their own place in it: an HTTP change
 * feed, a webhook endpoint, a server-sent event stream. Same order and the same gap-safety as
 * subscriptions: events in `(transaction_id, global_position)` order, never past a transaction
 * that may still commit, so a reader that resumes after the last event it got never skips one.
 * Positions themselves are unique but not increasing in that order; a reader resumes from the
 * last position it was given, never from "the highest one".
 */
@Injectable()
export class EventLog {
  constructor(
    @Inject(Database) private readonly database: Database,
    private readonly upcasters: UpcasterRegistry,
    @Optional() private readonly tail?: LogTail,
  ) {}

  /**
   * The events after `query.after`, oldest first, already upcast; `undefined` when `after` is
   * neither 0 nor the position of an event. A reader near the end of the log is answered from
   * the process's shared `LogTail` (one read of the log for all of them), others from the
   * database; both give the same events. The events may be shared with other readers: treat
   * them as read-only.
   */
  async read(query: EventLogQuery): Promise<PositionedEvent[] | undefined> {
    const tenant = query.acrossTenants ? undefined : currentTenantScope()?.tenant;
    if (this.tail && (query.acrossTenants || tenant !== undefined)) {
      const events = await this.tail.read({ ...query, tenant });
      if (events) return events;
    }
    const { rows } = await this.query<
      { found: boolean } & { [K in keyof EventRow]: EventRow[K] | null }
    >(
      READ,
      [query.after, selection(query.eventTypes), selection(query.streamTypes), query.limit],
      query.acrossTenants,
    );
    if (rows.length === 0) return undefined;
    return rows
      .filter((row): row is { found: boolean } & EventRow => row.global_position !== null)
      .map((row) => positionedEvent(row, this.upcasters));
  }

  /** The event at `position` (one a reader was given before), if there is one. */
  async at(position: number, acrossTenants = false): Promise<PositionedEvent | undefined> {
    const { rows } = await this.query<EventRow>(AT, [position], acrossTenants);
    const row = rows[0];
    return row && positionedEvent(row, this.upcasters);
  }

  /**
   * How far a reader at `after` is behind the visible log: events still to read (counted up to
   * `upTo`) and the time the oldest of them was recorded; `undefined` when `after` is neither 0
   * nor the position of an event.
   */
  async lag(
    after: number,
    upTo = 100_000,
    acrossTenants = false,
  ): Promise<{ events: number; oldest: Date | null } | undefined> {
    const { rows } = await this.query<{ behind: number; oldest: Date | null }>(
      LAG,
      [after, upTo],
      acrossTenants,
    );
    const row = rows[0];
    return row && { events: row.behind, oldest: row.oldest };
  }

  /** The last event a reader can see now (0 and no time when the log is empty). */
  async head(acrossTenants = false): Promise<{ position: number; recordedAt: Date | null }> {
    const { rows } = await this.query<{ global_position: string; created_at: Date }>(
      HEAD,
      [],
      acrossTenants,
    );
    const row = rows[0];
    return row
      ? { position: Number(row.global_position), recordedAt: row.created_at }
      : { position: 0, recordedAt: null };
  }

  private query<Row>(
    statement: NamedStatement,
    values: readonly unknown[],
    acrossTenants = false,
  ): Promise<QueryResult<Row>> {
    if (!acrossTenants) return this.database.query<Row>(statement, values);
    // The worker role may read the whole log (see tenancy.ts); only for this transaction.
    return this.database.transaction(async (transaction) => {
      await transaction.query(`SET LOCAL ROLE ${WORKER_ROLE}`);
      return transaction.query<Row>(statement, values);
    });
  }
}

function selection(values: readonly string[] | undefined): string[] | null {
  return values === undefined || values.length === 0 ? null : [...values];
}
