import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from 'pg';
import { TENANT_SETTING } from '../../database/tenancy';
import { selecting } from '../core/event-selection';
import {
  EVENT_COLUMNS,
  LOG_START,
  applyPerTenant,
  positionOf,
  positionedEvent,
} from '../core/event-log-reader';
import type { EventRow, LogPosition } from '../core/event-log-reader';
import { BATCH_LOCK, LEADER_LOCK } from './advisory-locks';
import { rollbackQuietly, sqlTransactionOf } from '../core/pg-transaction';
import type { EventSubscription, PositionedEvent } from './subscription';
import type { SubscriptionOptions } from './subscription-options';
import type { UpcasterRegistry } from '../core/upcaster';

export type WorkerLogger = {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

/**
 * After a batch: `more` fills a whole batch (read on at once); `drained` read the rest of the log
 * as far as it is visible; `idle` found nothing; `parked` is stopped by a dead letter.
 */
type Outcome = 'more' | 'drained' | 'idle' | 'parked';

const MAX_BACKOFF_MS = 30_000;

const NAME = /^[a-z][a-z0-9_]{0,47}$/;

type BatchRow = {
  checkpoint_transaction_id: string;
  checkpoint_position: string;
  checkpoint_status: string | null;
} & { [K in keyof EventRow]: EventRow[K] | null };

// The subscription's checkpoint (the start of the log when it has none) and the events after
// it, in gap-safe order: by (transaction_id, global_position), never past a transaction that
// may still commit (see `readAfter`). One row with null event columns when there is none; none
// read for a parked subscription.
const READ_BATCH = {
  name: 'subscription_read_batch',
  text: `
  SELECT c.after_transaction::text AS checkpoint_transaction_id,
    c.after_position AS checkpoint_position, p.status AS checkpoint_status, e.*
  FROM (SELECT 1) one
  LEFT JOIN projection_checkpoints p ON p.name = $1
  CROSS JOIN LATERAL (
    SELECT COALESCE(p.transaction_id, '0'::xid8) AS after_transaction,
      COALESCE(p.global_position, 0) AS after_position
  ) c
  LEFT JOIN LATERAL (
    SELECT ${EVENT_COLUMNS} FROM events
    WHERE p.status IS DISTINCT FROM 'parked'
      AND (transaction_id, global_position) > (c.after_transaction, c.after_position)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY transaction_id, global_position
    LIMIT $2::int
  ) e ON true`,
};
const STOP_GRACE_MS = 5_000;
/** First pause after a batch that emptied the visible log; it doubles while nothing arrives. */
const RECHECK_MS = 10;

/**
 * Runs one subscription in this process: waits to become its only runner (a session advisory
 * lock, released by PostgreSQL when the connection dies, so a standby takes over), then handles
 * batches on a dedicated connection, woken by NOTIFY or by polling. Never throws: every failure
 * is logged and retried.
 */
export class SubscriptionWorker {
  private stopped = false;
  private running?: Promise<void>;
  private client?: Client;
  private wakeUp?: () => void;
  private woken = false;
  /** End of a batch that failed: up to there, events are handled one by one to find the culprit. */
  private suspect?: LogPosition;
  private failures = 0;

  constructor(
    private readonly subscription: EventSubscription,
    private readonly connect: () => Promise<Client>,
    private readonly upcasters: UpcasterRegistry,
    private readonly options: SubscriptionOptions,
    private readonly logger: WorkerLogger,
  ) {
    // The name is written into statements as a literal (one round trip instead of three).
    if (!NAME.test(subscription.name)) {
      throw new Error(`Subscription name "${subscription.name}" is not a valid name.`);
    }
  }

  get name(): string {
    return this.subscription.name;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Finishes the batch in hand (waiting at most a few seconds), then closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    if (!this.running) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
    await Promise.race([this.running, grace]);
    clearTimeout(timer);
    await this.closeClient();
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopped) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const client = await this.openClient();
        if (await this.becomeLeader(client)) await this.follow(client);
      } catch (error) {
        if (!this.stopped) {
          this.logger.warn(`Subscription ${this.name}: ${describe(error)}; reconnecting.`);
        }
      } finally {
        await this.closeClient();
      }
      if (!this.stopped) await this.sleep(this.options.pollIntervalMs);
    }
  }

  private async openClient(): Promise<Client> {
    const client = await this.connect();
    this.client = client;
    // Without a listener, an error on an idle connection would crash the process.
    client.on('error', (error) => {
      this.logger.warn(`Subscription ${this.name}: connection error: ${describe(error)}`);
      this.wake();
    });
    client.on('notification', () => this.wake());
    client.on('end', () => this.wake());
    await client.query('LISTEN events_appended');
    return client;
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async becomeLeader(client: Client): Promise<boolean> {
    while (!this.stopped) {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
        [LEADER_LOCK, this.name],
      );
      if (rows[0]?.locked) {
        this.logger.log(`Subscription ${this.name}: running in this instance.`);
        return true;
      }
      await this.sleep(this.options.pollIntervalMs);
    }
    return false;
  }

  private async follow(client: Client): Promise<void> {
    let pauseMs = this.options.pollIntervalMs;
    while (!this.stopped) {
      const outcome = await this.processBatch(client);
      if (outcome === 'more') continue;
      if (outcome === 'drained') {
        // Only the first of concurrent writers notifies (see the append trigger); the others may
        // commit just after this read. Look again soon, then less and less often, up to polling.
        // The first pause ignores wake-ups, so a busy log is read in batches, not one by one.
        await delay(RECHECK_MS);
        pauseMs = RECHECK_MS;
        continue;
      }
      const poll = this.options.pollIntervalMs;
      pauseMs = outcome === 'parked' ? poll : Math.min(pauseMs * 2, poll);
      await this.sleep(pauseMs);
    }
  }

  private async processBatch(client: Client): Promise<Outcome> {
    const tx = sqlTransactionOf(client);
    let checkpoint: LogPosition = LOG_START;
    let events: PositionedEvent[] = [];
    // Serialises batches of this subscription across instances (a standby that just took over,
    // a rebuild swapping its tables); sent with BEGIN, as one round trip.
    await client.query(
      `BEGIN; SELECT pg_advisory_xact_lock(${BATCH_LOCK}, hashtext('${this.name}'))`,
    );
    try {
      // The checkpoint and the events after it in one statement, run after the lock was taken
      // (its snapshot sees the checkpoint the previous holder committed). No write before the
      // read: a transaction id of our own would lower the horizon the read stops at (a
      // snapshot's xmin counts the reader's own transaction).
      const { rows } = await client.query<BatchRow>({
        ...READ_BATCH,
        values: [this.name, this.options.batchSize],
      });
      const head = rows[0];
      if (head?.checkpoint_status === 'parked') {
        await client.query('COMMIT');
        return 'parked';
      }
      if (head) {
        checkpoint = {
          transactionId: head.checkpoint_transaction_id,
          globalPosition: Number(head.checkpoint_position),
        };
      }
      const isolating = this.suspect !== undefined && compare(checkpoint, this.suspect) < 0;
      const size = isolating ? 1 : this.options.batchSize;
      events = rows
        .filter((row): row is BatchRow & EventRow => row.global_position !== null)
        .slice(0, size)
        .map((row) => positionedEvent(row, this.upcasters));
      const last = events.at(-1);
      if (!last) {
        await client.query('COMMIT');
        return 'idle';
      }
      const handled = events.filter(selecting(this.subscription));
      await applyPerTenant(tx, handled, (run) => this.subscription.handle(tx, run));
      // The checkpoint moves with COMMIT in one round trip (a simple query: values inlined,
      // both checked to be plain numbers).
      await client.query(
        `INSERT INTO projection_checkpoints (name, transaction_id, global_position)
         VALUES ('${this.name}', '${transactionIdOf(last)}'::xid8, ${positionNumberOf(last)})
         ON CONFLICT (name) DO UPDATE
         SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position,
           updated_at = now();
         COMMIT`,
      );
      this.failures = 0;
      if (this.suspect && compare(positionOf(last), this.suspect) >= 0) this.suspect = undefined;
      return events.length === size ? 'more' : 'drained';
    } catch (error) {
      await rollbackQuietly(client);
      return this.failed(client, checkpoint, events, error);
    }
  }

  private async failed(
    client: Client,
    checkpoint: LogPosition,
    events: readonly PositionedEvent[],
    error: unknown,
  ): Promise<Outcome> {
    // Nothing was handed to the handler: the database or the connection failed.
    if (events.length === 0 || this.stopped) throw error;
    const last = events.at(-1);
    if (events.length > 1 && last) {
      this.suspect = positionOf(last);
      this.logger.warn(
        `Subscription ${this.name}: a batch after position ${checkpoint.globalPosition} failed ` +
          `(${describe(error)}); retrying its events one by one.`,
      );
      return 'more';
    }
    const event = events[0];
    if (!event) throw error;
    this.failures++;
    if (this.failures < this.options.maxAttempts) {
      const delay = Math.min(this.options.retryBaseMs * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
      this.logger.warn(
        `Subscription ${this.name}: ${event.type} at position ${event.globalPosition} failed ` +
          `(attempt ${this.failures} of ${this.options.maxAttempts}): ${describe(error)}; retrying in ${delay} ms.`,
      );
      await this.sleep(delay);
      return 'more';
    }
    await this.park(client, checkpoint, event, error);
    return 'parked';
  }

  private async park(
    client: Client,
    checkpoint: LogPosition,
    event: PositionedEvent,
    error: unknown,
  ): Promise<void> {
    await client.query('BEGIN');
    try {
      // The dead letter holds the event's tenant data: it is written under that tenant.
      await client.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [event.tenantId]);
      await client.query(
        `INSERT INTO projection_dead_letters
           (projection, global_position, transaction_id, event_id, event_type, stream_id, attempts, error)
         VALUES ($1, $2, $3::xid8, $4, $5, $6, $7, $8)`,
        [
          this.name,
          event.globalPosition,
          event.transactionId,
          event.eventId,
          event.type,
          event.streamId,
          this.failures,
          describe(error).slice(0, 2000),
        ],
      );
      await client.query(
        `INSERT INTO projection_checkpoints (name, transaction_id, global_position, status)
         VALUES ($1, $2::xid8, $3, 'parked')
         ON CONFLICT (name) DO UPDATE SET status = 'parked', updated_at = now()`,
        [this.name, checkpoint.transactionId, checkpoint.globalPosition],
      );
      await client.query('COMMIT');
    } catch (parkError) {
      await rollbackQuietly(client);
      throw parkError;
    }
    this.failures = 0;
    this.logger.error(
      `Subscription ${this.name}: parked ${event.type} ${event.eventId} at position ` +
        `${event.globalPosition} after ${this.options.maxAttempts} attempts (${describe(error)}). ` +
        `The subscription is stopped until "projections resume ${this.name}".`,
    );
  }
}

export function compare(a: LogPosition, b: LogPosition): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  return Math.sign(a.globalPosition - b.globalPosition);
}

function transactionIdOf(event: PositionedEvent): string {
  if (!/^\d+$/.test(event.transactionId)) throw new Error('A transaction id that is not a number.');
  return event.transactionId;
}

function positionNumberOf(event: PositionedEvent): number {
  if (!Number.isSafeInteger(event.globalPosition))
    throw new Error('A position that is not a number.');
  return event.globalPosition;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
