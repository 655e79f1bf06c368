import { Injectable } from '@nestjs/common';
import { Database } from '../../../database/database';
import { WORKER_ROLE } from '../../../database/tenancy';
import type { SqlTransaction } from '../../core/inline-projection';
import { IdempotencyKeyInFlightError } from './idempotency.errors';
import { IdempotencyKeyTakenSignal, IdempotencyStore } from './idempotency-store';
import type { IdempotencyRecord } from './idempotency-store';

// Two-key advisory locks live apart from the one-key lock the migrations take; this class id
// keeps them apart from any other two-key lock as well.
const LOCK_CLASS = 1_764_230_500;

// Keys are scoped to the tenant (by row-level security) and to the acting subject: both come
// from the transaction's settings, which the column defaults fill in on insert.
const SUBJECT = `COALESCE(current_setting('todo.subject', true), '')`;

const FIND = `
  SELECT key, fingerprint, stream_id, stream_type, version, outcome FROM idempotency_keys
  WHERE subject = ${SUBJECT} AND key = $1 AND expires_at > now()`;

const LOCK = `
  SELECT pg_try_advisory_xact_lock($1,
    hashtext(concat_ws(chr(31), current_setting('todo.tenant', true), ${SUBJECT}, $2::text)))
    AS locked`;

// An expired record of the same key is replaced; a live one is left alone (no row returned).
const RECORD = `
  INSERT INTO idempotency_keys
    (key, fingerprint, stream_id, stream_type, version, outcome, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
  ON CONFLICT (tenant_id, subject, key) DO UPDATE
    SET fingerprint = EXCLUDED.fingerprint, stream_id = EXCLUDED.stream_id,
        stream_type = EXCLUDED.stream_type, version = EXCLUDED.version,
        outcome = EXCLUDED.outcome, created_at = now(), expires_at = EXCLUDED.expires_at
    WHERE idempotency_keys.expires_at <= now()
  RETURNING key`;

const DELETE_EXPIRED = `
  DELETE FROM idempotency_keys
  WHERE (tenant_id, subject, key) IN (
    SELECT tenant_id, subject, key FROM idempotency_keys
    WHERE expires_at <= now() ORDER BY expires_at LIMIT $1
    FOR UPDATE SKIP LOCKED)`;

type Row = {
  key: string;
  fingerprint: string;
  stream_id: string;
  stream_type: string;
  version: string;
  outcome: 'appended';
};

@Injectable()
export class PostgresIdempotencyStore extends IdempotencyStore {
  constructor(private readonly database: Database) {
    super();
  }

  async find(key: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await this.database.query<Row>(FIND, [key]);
    const row = rows[0];
    return (
      row && {
        key: row.key,
        fingerprint: row.fingerprint,
        streamId: row.stream_id,
        streamType: row.stream_type,
        version: Number(row.version),
        outcome: row.outcome,
      }
    );
  }

  async record(
    transaction: SqlTransaction,
    record: IdempotencyRecord,
    ttlSeconds: number,
  ): Promise<void> {
    // A transaction-scoped lock on the key: a twin request that reaches this point while this
    // transaction is open learns at once that the key is in flight, instead of waiting on the
    // primary key; the lock is released by the commit or the rollback, also if the process dies.
    // Two keys with the same 32-bit hash can only cause a spurious, retryable 409 while both are
    // being written; the primary key, not the lock, is what keeps a key to one write.
    const { rows } = await transaction.query<{ locked: boolean }>(LOCK, [LOCK_CLASS, record.key]);
    if (rows[0]?.locked !== true) throw new IdempotencyKeyInFlightError();
    const inserted = await transaction.query(RECORD, [
      record.key,
      record.fingerprint,
      record.streamId,
      record.streamType,
      record.version,
      record.outcome,
      ttlSeconds,
    ]);
    if (inserted.rows.length === 0) throw new IdempotencyKeyTakenSignal(record.key);
  }

  async deleteExpired(limit: number): Promise<number> {
    // Expired records of every tenant: the worker role may see and delete those, and no others.
    return this.database.transaction(async (transaction) => {
      await transaction.query(`SET LOCAL ROLE ${WORKER_ROLE}`);
      return (await transaction.query(DELETE_EXPIRED, [limit])).rowCount;
    });
  }
}
