import { Inject, Injectable, Optional } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import type { Client } from 'pg';
import { DATABASE_OPTIONS } from '../../database/database.options';
import type { DatabaseOptions } from '../../database/database.options';
import { connectAsWorker } from '../../database/worker-connection';
import type { PositionedEvent } from '../subscriptions/subscription';
import {
  DEFAULT_SUBSCRIPTION_OPTIONS,
  SUBSCRIPTION_OPTIONS,
} from '../subscriptions/subscription-options';
import type { SubscriptionOptions } from '../subscriptions/subscription-options';
import { LOG_START, positionOf, positionedEvent } from './event-log-reader';
import type { EventRow, LogPosition } from './event-log-reader';
import { EVENT_COLUMNS } from './event-log-reader';
import { UpcasterRegistry } from './upcaster';

/** What a reader of the tail asks for; the same meaning as in `EventLogQuery`. */
export type TailQuery = {
  after: number;
  limit: number;
  eventTypes?: readonly string[];
  streamTypes?: readonly string[];
  /** Only this tenant's events, and `after` must be one of them; undefined: every tenant's. */
  tenant?: string;
};

/** Events kept in memory: the newest part of the log, where readers that keep up are. */
const WINDOW = 10_000;
/** Read per statement while catching up. */
const CHUNK = 1000;

const HEAD = {
  name: 'log_tail_head',
  text: `
  SELECT tenant_id, global_position, transaction_id::text AS transaction_id_text FROM events
  WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
};

// As `readAfter`: in gap-safe order, never past a transaction that may still commit.
const READ = {
  name: 'log_tail_read',
  text: `
  SELECT ${EVENT_COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id, global_position
  LIMIT $3`,
};

/**
 * The newest part of the global log, read once for every reader in this process that keeps its
 * own place in it (webhook endpoints, server-sent event streams, long polls): a reader near the
 * end is answered from memory instead of reading the database itself, so N readers cost one
 * read of the log per refresh instead of N.
 *
 * The window is a contiguous run of the log in its gap-safe order, as subscriptions read it:
 * each refresh reads on from where the last one ended, below the horizon of the oldest running
 * transaction, so it holds exactly the events a reader at any position inside it would read from
 * the database, and never skips one. A read waits for a refresh that started after it was asked
 * (concurrent readers share the same one), so it sees everything a database read would have seen
 * at that moment, unless the window already holds events the reader has not seen: those are
 * returned at once (fewer than a database read might give, never different ones). A reader elsewhere in the log (behind the window, or at a position the window
 * does not hold) gets `undefined` and reads the database.
 *
 * Uses a connection of its own as the worker role (it reads every tenant's events; tenant readers
 * are given their tenant's only); only where subscriptions run (the long-running service).
 */
@Injectable()
export class LogTail implements BeforeApplicationShutdown {
  private readonly enabled: boolean;
  private client?: Promise<Client>;
  private closed = false;
  /** The place just before `events[0]`, and the tenant of the event there. */
  private start?: LogPosition & { tenant?: string };
  private events: PositionedEvent[] = [];
  /** Index in `events` of each event, by position. */
  private readonly positions = new Map<number, number>();
  private running?: Promise<void>;
  private queued?: Promise<void>;
  /** Refreshes done, for tests and measurements. */
  refreshes = 0;

  constructor(
    @Inject(DATABASE_OPTIONS) private readonly database: DatabaseOptions,
    private readonly upcasters: UpcasterRegistry,
    @Optional() @Inject(SUBSCRIPTION_OPTIONS) options?: Partial<SubscriptionOptions>,
  ) {
    this.enabled = { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...options }.enabled;
  }

  /**
   * The events after `query.after` from memory, after a refresh; `undefined` when the window
   * does not reach that position (or when the tail is off or failed): read the database then.
   */
  async read(query: TailQuery): Promise<PositionedEvent[] | undefined> {
    if (!this.enabled || this.closed) return undefined;
    // Events the reader does not have yet are already here (another reader's refresh brought
    // them): they are a true prefix of what a database read would give, so no refresh is needed.
    const ready = this.fromWindow(query);
    if (ready && ready.length > 0) return ready;
    try {
      await this.fresh();
    } catch {
      return undefined;
    }
    return this.fromWindow(query);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }

  private fromWindow(query: TailQuery): PositionedEvent[] | undefined {
    const start = this.start;
    if (!start) return undefined;
    let from: number;
    if (query.after === start.globalPosition) {
      if (
        query.tenant !== undefined &&
        start.globalPosition !== 0 &&
        start.tenant !== query.tenant
      ) {
        return undefined;
      }
      from = 0;
    } else {
      const at = this.positions.get(query.after);
      if (at === undefined) return undefined;
      if (query.tenant !== undefined && this.events[at]?.tenantId !== query.tenant)
        return undefined;
      from = at + 1;
    }
    const types = query.eventTypes?.length ? new Set(query.eventTypes) : undefined;
    const streamTypes = query.streamTypes?.length ? new Set(query.streamTypes) : undefined;
    const found: PositionedEvent[] = [];
    for (let i = from; i < this.events.length && found.length < query.limit; i++) {
      const event = this.events[i];
      if (!event) break;
      if (query.tenant !== undefined && event.tenantId !== query.tenant) continue;
      if (types && !types.has(event.type)) continue;
      if (streamTypes && !streamTypes.has(event.streamType)) continue;
      found.push(event);
    }
    return found;
  }

  /** A refresh that starts after this call; callers arriving meanwhile share the same one. */
  private fresh(): Promise<void> {
    if (this.queued) return this.queued;
    const running = this.running;
    if (!running) return this.run();
    const queued = running
      .catch(() => undefined)
      .then(() => {
        if (this.queued === queued) this.queued = undefined;
        return this.run();
      });
    this.queued = queued;
    return queued;
  }

  private run(): Promise<void> {
    const run = this.refresh().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async refresh(): Promise<void> {
    const client = await this.connection();
    try {
      if (!this.start) {
        const { rows } = await client.query<{
          tenant_id: string;
          global_position: string;
          transaction_id_text: string;
        }>(HEAD);
        const head = rows[0];
        this.start = head
          ? {
              transactionId: head.transaction_id_text,
              globalPosition: Number(head.global_position),
              tenant: head.tenant_id,
            }
          : LOG_START;
        return;
      }
      let end: LogPosition = this.end();
      for (let read = 0; read < WINDOW; read += CHUNK) {
        const { rows } = await client.query<EventRow>({
          ...READ,
          values: [end.transactionId, end.globalPosition, CHUNK],
        });
        for (const row of rows) {
          const event = positionedEvent(row, this.upcasters);
          this.positions.set(event.globalPosition, this.events.length);
          this.events.push(event);
        }
        const last = this.events.at(-1);
        if (last) end = positionOf(last);
        if (rows.length < CHUNK) break;
      }
      this.trim();
      this.refreshes++;
    } catch (error) {
      // A broken connection is opened again on the next refresh; the window stays valid.
      this.client = undefined;
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private end(): LogPosition {
    const last = this.events.at(-1);
    return last ? positionOf(last) : (this.start ?? LOG_START);
  }

  /** Keeps the newest `WINDOW` events (trimmed in steps, not on every refresh). */
  private trim(): void {
    const excess = this.events.length - WINDOW;
    if (excess < WINDOW / 10) return;
    const dropped = this.events.slice(0, excess);
    const last = dropped.at(-1);
    if (!last) return;
    this.events = this.events.slice(excess);
    this.start = { ...positionOf(last), tenant: last.tenantId };
    this.positions.clear();
    this.events.forEach((event, index) => this.positions.set(event.globalPosition, index));
  }

  private connection(): Promise<Client> {
    this.client ??= connectAsWorker(this.database, 'todo-service-log-tail').catch(
      (error: unknown) => {
        this.client = undefined;
        throw error;
      },
    );
    return this.client;
  }
}
