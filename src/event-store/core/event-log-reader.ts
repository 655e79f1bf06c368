import { TENANT_SETTING } from '../../database/tenancy';
import type { PositionedEvent } from '../subscriptions/subscription';
import type { SqlTransaction } from './inline-projection';
import type { UpcasterRegistry } from './upcaster';

/** A place in the global log: after the event at `globalPosition` of transaction `transactionId`. */
export type LogPosition = { transactionId: string; globalPosition: number };

export const LOG_START: LogPosition = { transactionId: '0', globalPosition: 0 };

export type EventRow = {
  tenant_id: string;
  aggregate_id: string;
  stream_type: string;
  sequence: string;
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown> | null;
  created_at: Date;
  global_position: string;
  transaction_id_text: string;
  schema_version: number;
};

// The text form gets its own name: an output column called transaction_id would win over the
// xid8 column in ORDER BY and sort ids as strings ('1001' < '926').
export const EVENT_COLUMNS = `tenant_id, aggregate_id, stream_type, sequence, event_id, event_type, payload, metadata, created_at,
  global_position, transaction_id::text AS transaction_id_text, schema_version`;

// Only transactions below the oldest one still running are complete: every event they will
// ever have is visible now. Reading beyond that horizon could pass a position whose
// transaction commits later, and that event would be skipped for good.
const READ_AFTER = `
  SELECT ${EVENT_COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id, global_position
  LIMIT $3`;

// For a caller that has made sure no writer is still in flight (it holds a lock every writer
// needs), so everything committed is final.
const READ_AFTER_ALL_COMMITTED = `
  SELECT ${EVENT_COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
  ORDER BY transaction_id, global_position
  LIMIT $3`;

/**
 * Reads the next `limit` events after `after` in gap-safe global order: by
 * `(transaction_id, global_position)`, never past a transaction that may still commit.
 */
export async function readAfter(
  tx: SqlTransaction,
  upcasters: UpcasterRegistry,
  after: LogPosition,
  limit: number,
  options: { allCommitted?: boolean } = {},
): Promise<PositionedEvent[]> {
  const { rows } = await tx.query<EventRow>(
    options.allCommitted ? READ_AFTER_ALL_COMMITTED : READ_AFTER,
    [after.transactionId, after.globalPosition, limit],
  );
  return rows.map((row) => positionedEvent(row, upcasters));
}

/** A row of `EVENT_COLUMNS` as the event readers see it, its payload upcast. */
export function positionedEvent(row: EventRow, upcasters: UpcasterRegistry): PositionedEvent {
  return {
    tenantId: row.tenant_id,
    type: row.event_type,
    data: upcasters.upcast(row.event_type, row.schema_version, row.payload),
    streamId: row.aggregate_id,
    streamType: row.stream_type,
    sequence: Number(row.sequence),
    eventId: row.event_id,
    metadata: row.metadata ?? {},
    recordedAt: row.created_at,
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id_text,
    schemaVersion: row.schema_version,
  };
}

/** Where a batch ends: the position to store as the checkpoint after handling it. */
export function positionOf(event: PositionedEvent): LogPosition {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

/**
 * Hands `events` to `apply` in runs of consecutive events of one tenant (so log order is kept),
 * with that tenant set for the rest of the transaction before each run: whatever `apply` writes
 * lands in the tenant of the events it was given, and row-level security refuses anything else.
 */
export async function applyPerTenant<E extends PositionedEvent>(
  tx: SqlTransaction,
  events: readonly E[],
  apply: (run: readonly E[]) => Promise<void>,
): Promise<void> {
  let start = 0;
  while (start < events.length) {
    const tenant = events[start]?.tenantId;
    let end = start + 1;
    while (end < events.length && events[end]?.tenantId === tenant) end++;
    await tx.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [tenant]);
    await apply(events.slice(start, end));
    start = end;
  }
}
