import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import type { Connection } from '../../database/database';
import { selecting } from '../core/event-selection';
import { WORKER_ROLE } from '../../database/tenancy';
import { LOG_START, applyPerTenant, positionOf, readAfter } from '../core/event-log-reader';
import type { LogPosition } from '../core/event-log-reader';
import { InlineProjectionRegistry } from '../core/inline-projection';
import type { SqlTransaction } from '../core/inline-projection';
import { BATCH_LOCK, REBUILD_LOCK } from '../subscriptions/advisory-locks';
import {
  ProjectionNotFoundError,
  ProjectionNotParkedError,
  ProjectionNotRebuildableError,
  ProjectionRebuildInProgressError,
} from './projection.errors';
import { READER_START } from '../core/event-log';
import { LogReaderRegistry } from './log-reader-registry';
import { SubscriptionRegistry } from '../subscriptions/subscription';
import type { PositionedEvent } from '../subscriptions/subscription';
import { UpcasterRegistry } from '../core/upcaster';

/** Where a projection stands. Lag is the number of events in the log after its checkpoint. */
export type ProjectionStatus = {
  name: string;
  /**
   * `inline`: updated in the appending transaction; `subscription`: by a background worker;
   * anything else: a reader registered with `LogReaderRegistry` (`webhook`, ...).
   */
  kind: 'inline' | 'subscription' | (string & {});
  /**
   * `running`, `parked` (stopped at a dead letter), or `not started` (no checkpoint yet); other
   * readers may say `failing` or `disabled`.
   */
  state: 'running' | 'parked' | 'not started' | (string & {});
  /** Global position of the last event handled (0: none); inline projections are always current. */
  checkpoint: number;
  /** Highest global position in the log. */
  head: number;
  lag: number;
  deadLetters: number;
  /** Set while a rebuild is under way or was interrupted (it resumes on the next run). */
  rebuild?: { eventsProcessed: number; startedAt: Date };
};

/**
 * Where a reader of the log stands for one tenant: how many of the tenant's events it has not
 * taken yet and how old the oldest of them is. Positions in the shared log (checkpoint, head)
 * and counts of the whole log are left out: the difference between two positions counts every
 * tenant's events, so it would tell one tenant how busy the others are.
 */
export type TenantReaderStatus = {
  name: string;
  kind: ProjectionStatus['kind'];
  state: ProjectionStatus['state'];
  /** The tenant's events after the reader's place. */
  lagEvents: number;
  /** Age in seconds of the oldest of them (0: none). */
  lagSeconds: number;
  /** The reader's place, for a reader of the tenant's own (a webhook endpoint). */
  position?: number;
};

/** An event a subscription could not handle, kept with the error that stopped it. */
export type DeadLetter = {
  id: number;
  projection: string;
  /** The event's tenant: the dead letter holds that tenant's data. */
  tenant: string;
  globalPosition: number;
  eventId: string;
  eventType: string;
  streamId: string;
  attempts: number;
  error: string;
  parkedAt: Date;
};

export type RebuildProgress = {
  processed: number;
  /** Events in the log when the rebuild (re)started: an estimate of the work. */
  total: number;
  eventsPerSecond: number;
};

export type RebuildOptions = {
  /** Throw away an interrupted rebuild instead of resuming it. */
  restart?: boolean;
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
};

export type RebuildResult = { processed: number; resumed: boolean; seconds: number };

type Rebuildable = {
  name: string;
  kind: 'inline' | 'subscription';
  tables: readonly string[];
  wants: (event: PositionedEvent) => boolean;
  apply(tx: SqlTransaction, events: readonly PositionedEvent[]): Promise<void>;
};

type RebuildRow = {
  transaction_id: string;
  global_position: string;
  events_processed: string;
  started_at: Date;
};

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Operations on projections: status and lag, dead letters, resuming a parked subscription, and
 * rebuilding a projection from the whole log into shadow tables that replace the live ones in
 * one transaction at the end, while the service keeps serving.
 */
@Injectable()
export class ProjectionAdmin {
  constructor(
    private readonly database: Database,
    private readonly inline: InlineProjectionRegistry,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly upcasters: UpcasterRegistry,
    private readonly readers: LogReaderRegistry = new LogReaderRegistry(),
  ) {}

  /**
   * Every registered projection with its state and lag, inline ones first, then the readers
   * that keep their own place (`LogReaderRegistry`).
   */
  async status(): Promise<ProjectionStatus[]> {
    // As the worker role, which sees the whole log: lag counts every tenant's events.
    return this.database.transaction(async (transaction) => {
      await transaction.query(`SET LOCAL ROLE ${WORKER_ROLE}`);
      return this.statusIn(transaction);
    });
  }

  /**
   * What `status` shows, as one tenant may see it (`TenantReaderStatus`): every projection and
   * subscription of the service, since the tenant's reads depend on them, but only the readers
   * that serve this tenant among those serving one tenant each.
   */
  async tenantStatus(tenant: string): Promise<TenantReaderStatus[]> {
    // As the worker role, which sees the whole log; every count below names the tenant.
    return this.database.transaction(async (transaction) => {
      await transaction.query(`SET LOCAL ROLE ${WORKER_ROLE}`);
      const statuses: TenantReaderStatus[] = this.inline.all().map((projection) => ({
        name: projection.name,
        kind: 'inline',
        state: 'running',
        lagEvents: 0,
        lagSeconds: 0,
      }));
      for (const subscription of this.subscriptions.all()) {
        const [row] = (
          await transaction.query<{ status: string | null } & TenantLagRow>(
            `WITH place AS (
               SELECT c.status, c.transaction_id, c.global_position FROM projection_checkpoints c
               WHERE c.name = $1
               UNION ALL SELECT NULL, '0'::xid8, 0
               WHERE NOT EXISTS (SELECT 1 FROM projection_checkpoints WHERE name = $1))
             SELECT place.status, ${TENANT_LAG} FROM place
             LEFT JOIN events e ON e.tenant_id = $2
               AND (e.transaction_id, e.global_position) > (place.transaction_id, place.global_position)
             GROUP BY place.status`,
            [subscription.name, tenant],
          )
        ).rows;
        statuses.push({
          name: subscription.name,
          kind: 'subscription',
          state: row?.status ? (row.status === 'parked' ? 'parked' : 'running') : 'not started',
          ...tenantLag(row),
        });
      }
      for (const reader of await this.readers.all()) {
        if (reader.tenant !== undefined && reader.tenant !== tenant) continue;
        const [row] = (
          await transaction.query<TenantLagRow>(
            `${READER_START}
             SELECT ${TENANT_LAG} FROM start
             LEFT JOIN events e ON e.tenant_id = $2
               AND (e.transaction_id, e.global_position) > (start.transaction_id, start.global_position)`,
            [reader.checkpoint, tenant],
          )
        ).rows;
        statuses.push({
          name: reader.name,
          kind: reader.kind,
          state: reader.state,
          ...tenantLag(row),
          ...(reader.tenant === undefined ? {} : { position: reader.checkpoint }),
        });
      }
      return statuses;
    });
  }

  private async statusIn(database: SqlTransaction): Promise<ProjectionStatus[]> {
    const [head] = (
      await database.query<{ head: string }>(
        'SELECT COALESCE(MAX(global_position), 0) AS head FROM events',
      )
    ).rows;
    const headPosition = Number(head?.head ?? 0);
    const rebuilds = new Map(
      (
        await database.query<RebuildRow & { name: string }>(
          'SELECT name, events_processed, started_at FROM projection_rebuilds',
        )
      ).rows.map((row) => [
        row.name,
        { eventsProcessed: Number(row.events_processed), startedAt: row.started_at },
      ]),
    );
    const statuses: ProjectionStatus[] = this.inline.all().map((projection) => ({
      name: projection.name,
      kind: 'inline',
      state: 'running',
      checkpoint: headPosition,
      head: headPosition,
      lag: 0,
      deadLetters: 0,
      ...withRebuild(rebuilds.get(projection.name)),
    }));
    for (const subscription of this.subscriptions.all()) {
      const [row] = (
        await database.query<{
          status: string;
          global_position: string;
          lag: string;
          dead_letters: string;
        }>(
          `SELECT c.status, c.global_position,
           (SELECT count(*) FROM events e
            WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS lag,
           (SELECT count(*) FROM projection_dead_letters d
            WHERE d.projection = c.name AND d.resolved_at IS NULL) AS dead_letters
         FROM projection_checkpoints c WHERE c.name = $1`,
          [subscription.name],
        )
      ).rows;
      const [all] = row
        ? [undefined]
        : (await database.query<{ count: string }>('SELECT count(*) FROM events')).rows;
      statuses.push({
        name: subscription.name,
        kind: 'subscription',
        state: row ? (row.status === 'parked' ? 'parked' : 'running') : 'not started',
        checkpoint: Number(row?.global_position ?? 0),
        head: headPosition,
        lag: Number(row?.lag ?? all?.count ?? 0),
        deadLetters: Number(row?.dead_letters ?? 0),
        ...withRebuild(rebuilds.get(subscription.name)),
      });
    }
    for (const reader of await this.readers.all()) {
      const [row] = (
        await database.query<{ lag: string }>(
          `${READER_START}
           SELECT count(e.global_position) AS lag FROM start
           LEFT JOIN events e
             ON (e.transaction_id, e.global_position) > (start.transaction_id, start.global_position)`,
          [reader.checkpoint],
        )
      ).rows;
      statuses.push({
        ...reader,
        head: headPosition,
        lag: Number(row?.lag ?? 0),
        deadLetters: 0,
      });
    }
    return statuses;
  }

  /**
   * Unresolved dead letters of every tenant, oldest first; of one projection when `name` is
   * given. Read as the owner (an operator's view across tenants).
   */
  async deadLetters(name?: string): Promise<DeadLetter[]> {
    const { rows } = await this.database.transaction((transaction) =>
      asOwner(transaction, () =>
        transaction.query<{
          id: string;
          projection: string;
          tenant_id: string;
          global_position: string;
          event_id: string;
          event_type: string;
          stream_id: string;
          attempts: number;
          error: string;
          parked_at: Date;
        }>(
          `SELECT id, projection, tenant_id, global_position, event_id, event_type, stream_id,
                  attempts, error, parked_at
           FROM projection_dead_letters
           WHERE resolved_at IS NULL AND ($1::text IS NULL OR projection = $1)
           ORDER BY id`,
          [name ?? null],
        ),
      ),
    );
    return rows.map((row) => ({
      id: Number(row.id),
      projection: row.projection,
      tenant: row.tenant_id,
      globalPosition: Number(row.global_position),
      eventId: row.event_id,
      eventType: row.event_type,
      streamId: row.stream_id,
      attempts: row.attempts,
      error: row.error,
      parkedAt: row.parked_at,
    }));
  }

  /**
   * Lets a parked subscription run again: it retries the parked event, or with `skip` moves its
   * checkpoint past it. Its dead letters are marked resolved.
   *
   * @throws ProjectionNotFoundError, ProjectionNotParkedError
   */
  async resume(name: string, options: { skip?: boolean } = {}): Promise<void> {
    if (!this.subscriptions.find(name)) throw this.notFound(name);
    // As the owner: the parked event's dead letters belong to its tenant, whichever that is.
    await this.database.transaction((manager) => asOwner(manager, () => resumeIn(manager)));
    async function resumeIn(manager: SqlTransaction): Promise<void> {
      const { rows } = await manager.query<{ status: string }>(
        'SELECT status FROM projection_checkpoints WHERE name = $1 FOR UPDATE',
        [name],
      );
      if (rows[0]?.status !== 'parked') throw new ProjectionNotParkedError(name);
      if (options.skip) {
        await manager.query(
          `UPDATE projection_checkpoints c
           SET transaction_id = d.transaction_id, global_position = d.global_position
           FROM (SELECT transaction_id, global_position FROM projection_dead_letters
                 WHERE projection = $1 AND resolved_at IS NULL ORDER BY id DESC LIMIT 1) d
           WHERE c.name = $1`,
          [name],
        );
      }
      await manager.query(
        `UPDATE projection_checkpoints SET status = 'running', updated_at = now() WHERE name = $1`,
        [name],
      );
      await manager.query(
        `UPDATE projection_dead_letters SET resolved_at = now()
         WHERE projection = $1 AND resolved_at IS NULL`,
        [name],
      );
    }
  }

  /**
   * Rebuilds a projection from the whole log. Its handler runs against shadow copies of its
   * tables (same columns, constraints and indexes) in a schema of their own; progress is
   * committed with each batch, so an interrupted rebuild resumes where it stopped. At the end,
   * one transaction catches up the last events, drops the live tables and moves the shadows in
   * (renaming their indexes to the live ones' names). Readers wait only for that swap; writers
   * of an inline projection too, subscription workers pause for it.
   *
   * @throws ProjectionNotFoundError, ProjectionNotRebuildableError,
   *   ProjectionRebuildInProgressError
   */
  async rebuild(name: string, options: RebuildOptions = {}): Promise<RebuildResult> {
    const target = this.rebuildable(name);
    const batchSize = options.batchSize ?? 500;
    const started = Date.now();
    // One pooled connection for the whole rebuild: it holds the rebuild's session lock.
    return this.database.withConnection(async (client) => {
      // The rebuild creates, drops and moves tables, and reads every tenant's events: it acts
      // as the login that owns the tables (the pool's role comes back with the connection).
      // Rows it writes get each event's tenant from `applyPerTenant`.
      await client.query('SET ROLE NONE');
      // A rebuild runs long statements and waits for writers at the swap; the pool's limits
      // are for requests. Both settings end with the lending of the connection.
      await client.query('SET statement_timeout = 0');
      await client.query('SET lock_timeout = 0');
      // Held for the whole rebuild; released when the connection goes back to the pool, or with
      // the connection if this process dies.
      const { rows: locked } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
        [REBUILD_LOCK, target.name],
      );
      if (!locked[0]?.locked) throw new ProjectionRebuildInProgressError(target.name);
      const live = await this.liveSchema(client, target);
      const shadow = `rebuild_${target.name}`;
      const {
        position: resumeAt,
        processed: already,
        resumed,
      } = await this.prepareShadow(client, target, live, shadow, options.restart === true);
      const [count] = (await client.query<{ count: string }>('SELECT count(*) FROM events')).rows;
      const total = Number(count?.count ?? 0);

      let position = resumeAt;
      let processed = already;
      const fromHere = Date.now();
      const report = () =>
        options.onProgress?.({
          processed,
          total: Math.max(total, processed),
          eventsPerSecond: Math.round(
            ((processed - already) * 1000) / Math.max(1, Date.now() - fromHere),
          ),
        });
      report();
      for (;;) {
        const batch = await this.inTransaction(client, async (tx) => {
          await this.useShadow(client, shadow, live);
          const events = await readAfter(tx, this.upcasters, position, batchSize);
          await this.applyTo(target, tx, events);
          const last = events.at(-1);
          if (last) {
            await client.query(
              `UPDATE projection_rebuilds SET transaction_id = $2::xid8, global_position = $3,
                 events_processed = events_processed + $4, updated_at = now() WHERE name = $1`,
              [target.name, last.transactionId, last.globalPosition, events.length],
            );
          }
          return events;
        });
        const last = batch.at(-1);
        if (!last) break;
        position = positionOf(last);
        processed += batch.length;
        report();
        if (batch.length < batchSize) break;
      }

      processed += await this.swap(client, target, live, shadow, position);
      report();
      return { processed, resumed, seconds: (Date.now() - started) / 1000 };
    });
  }

  private async prepareShadow(
    client: Connection,
    target: Rebuildable,
    live: string,
    shadow: string,
    restart: boolean,
  ): Promise<{ position: LogPosition; processed: number; resumed: boolean }> {
    const { rows } = await client.query<RebuildRow>(
      `SELECT r.transaction_id::text AS transaction_id, r.global_position, r.events_processed
       FROM projection_rebuilds r
       WHERE r.name = $1 AND r.shadow_schema = $2
         AND EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $2)`,
      [target.name, shadow],
    );
    const state = rows[0];
    if (state && !restart) {
      return {
        position: {
          transactionId: state.transaction_id,
          globalPosition: Number(state.global_position),
        },
        processed: Number(state.events_processed),
        resumed: true,
      };
    }
    await this.inTransaction(client, async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${quote(shadow)} CASCADE`);
      await client.query(`CREATE SCHEMA ${quote(shadow)}`);
      for (const table of target.tables) {
        await client.query(
          `CREATE TABLE ${quote(shadow)}.${quote(table)} (LIKE ${quote(live)}.${quote(table)} INCLUDING ALL)`,
        );
      }
      await client.query(
        `INSERT INTO projection_rebuilds (name, shadow_schema) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET shadow_schema = $2, transaction_id = '0',
           global_position = 0, events_processed = 0, started_at = now(), updated_at = now()`,
        [target.name, shadow],
      );
    });
    return { position: LOG_START, processed: 0, resumed: false };
  }

  /** The final transaction: catch up, then swap the shadow tables in. Returns events caught up. */
  private async swap(
    client: Connection,
    target: Rebuildable,
    live: string,
    shadow: string,
    from: LogPosition,
  ): Promise<number> {
    return this.inTransaction(client, async (tx) => {
      if (target.kind === 'subscription') {
        // Pauses the subscription's worker (in any instance) until this commits.
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          BATCH_LOCK,
          target.name,
        ]);
      } else {
        // Writers of an inline projection hold a row lock on its tables until they commit, so
        // once this lock is granted every committed event is final and all later writers will
        // write to the new tables: the catch-up may read past the in-flight horizon.
        for (const table of target.tables) {
          await client.query(`LOCK TABLE ${quote(live)}.${quote(table)} IN EXCLUSIVE MODE`);
        }
      }
      const [searchPath] = (
        await client.query<{ path: string }>(`SELECT current_setting('search_path') AS path`)
      ).rows;
      await this.useShadow(client, shadow, live);
      let position = from;
      let caughtUp = 0;
      for (;;) {
        const events = await readAfter(tx, this.upcasters, position, 1000, {
          allCommitted: target.kind === 'inline',
        });
        const last = events.at(-1);
        if (!last) break;
        await this.applyTo(target, tx, events);
        position = positionOf(last);
        caughtUp += events.length;
      }
      await client.query(`SELECT set_config('search_path', $1, true)`, [
        searchPath?.path ?? quote(live),
      ]);

      if (target.kind === 'subscription') {
        await client.query(
          `INSERT INTO projection_checkpoints (name, transaction_id, global_position)
           VALUES ($1, $2::xid8, $3)
           ON CONFLICT (name) DO UPDATE SET transaction_id = $2::xid8, global_position = $3,
             updated_at = now()`,
          [target.name, position.transactionId, position.globalPosition],
        );
      }
      for (const table of target.tables) {
        const indexNames = new Map(
          (await this.indexesOf(client, live, table)).map((index) => [
            index.definition,
            index.name,
          ]),
        );
        await this.copyAccessControl(client, live, shadow, table);
        await client.query(`DROP TABLE ${quote(live)}.${quote(table)}`);
        await client.query(
          `ALTER TABLE ${quote(shadow)}.${quote(table)} SET SCHEMA ${quote(live)}`,
        );
        for (const index of await this.indexesOf(client, live, table)) {
          const wanted = indexNames.get(index.definition);
          if (wanted && wanted !== index.name) {
            await client.query(
              `ALTER INDEX ${quote(live)}.${quote(index.name)} RENAME TO ${quote(wanted)}`,
            );
          }
        }
      }
      await client.query(`DROP SCHEMA ${quote(shadow)} CASCADE`);
      await client.query('DELETE FROM projection_rebuilds WHERE name = $1', [target.name]);
      return caughtUp;
    });
  }

  /**
   * Gives the shadow copy the live table's row-level security, policies and grants, which a
   * copy made with LIKE does not take: a tenant table must never be swapped in unprotected.
   */
  private async copyAccessControl(
    client: Connection,
    live: string,
    shadow: string,
    table: string,
  ): Promise<void> {
    const from = `${quote(live)}.${quote(table)}`;
    const to = `${quote(shadow)}.${quote(table)}`;
    const [security] = (
      await client.query<{ enabled: boolean; forced: boolean }>(
        `SELECT relrowsecurity AS enabled, relforcerowsecurity AS forced
         FROM pg_class WHERE oid = $1::regclass`,
        [from],
      )
    ).rows;
    if (security?.enabled) await client.query(`ALTER TABLE ${to} ENABLE ROW LEVEL SECURITY`);
    if (security?.forced) await client.query(`ALTER TABLE ${to} FORCE ROW LEVEL SECURITY`);
    const { rows: policies } = await client.query<{
      name: string;
      permissive: string;
      roles: string[];
      command: string;
      qual: string | null;
      check: string | null;
    }>(
      `SELECT policyname AS name, permissive, roles::text[] AS roles, cmd AS command,
         qual, with_check AS check
       FROM pg_policies WHERE schemaname = $1 AND tablename = $2`,
      [live, table],
    );
    for (const policy of policies) {
      const roles = policy.roles
        .map((role) => (role === 'public' ? 'PUBLIC' : quote(role)))
        .join(', ');
      await client.query(
        `CREATE POLICY ${quote(policy.name)} ON ${to} AS ${policy.permissive}
         FOR ${policy.command} TO ${roles}` +
          (policy.qual === null ? '' : ` USING (${policy.qual})`) +
          (policy.check === null ? '' : ` WITH CHECK (${policy.check})`),
      );
    }
    const { rows: grants } = await client.query<{ grantee: string; privilege: string }>(
      `SELECT a.grantee::regrole::text AS grantee, a.privilege_type AS privilege
       FROM pg_class c, aclexplode(c.relacl) a
       WHERE c.oid = $1::regclass AND a.grantee <> c.relowner AND a.grantee <> 0`,
      [from],
    );
    for (const grant of grants) {
      await client.query(`GRANT ${grant.privilege} ON ${to} TO ${quote(grant.grantee)}`);
    }
  }

  /** Indexes of a table, each definition without its name and table, to match copies. */
  private async indexesOf(
    client: Connection,
    schema: string,
    table: string,
  ): Promise<{ name: string; definition: string }[]> {
    const { rows } = await client.query<{ name: string; definition: string }>(
      `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = $1 AND t.relname = $2`,
      [schema, table],
    );
    return rows.map((row) => ({
      name: row.name,
      definition: row.definition.replace(/^(CREATE (?:UNIQUE )?INDEX )\S+ ON \S+ /, '$1'),
    }));
  }

  private async useShadow(client: Connection, shadow: string, live: string): Promise<void> {
    // SET LOCAL: the handler's unqualified table names resolve to the shadow copies for this
    // transaction only; everything else (events included) still comes from the live schema.
    await client.query(`SET LOCAL search_path TO ${quote(shadow)}, ${quote(live)}`);
  }

  private async applyTo(
    target: Rebuildable,
    tx: SqlTransaction,
    events: readonly PositionedEvent[],
  ): Promise<void> {
    const wanted = events.filter(target.wants);
    await applyPerTenant(tx, wanted, (run) => target.apply(tx, run));
  }

  private async liveSchema(client: Connection, target: Rebuildable): Promise<string> {
    const [row] = (await client.query<{ schema: string }>('SELECT current_schema() AS schema'))
      .rows;
    const schema = row?.schema;
    if (!schema) throw new ProjectionNotRebuildableError(target.name, 'no current schema.');
    for (const table of target.tables) {
      const { rowCount } = await client.query(
        `SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2`,
        [schema, table],
      );
      if (!rowCount) {
        throw new ProjectionNotRebuildableError(target.name, `table ${table} does not exist.`);
      }
    }
    return schema;
  }

  private async inTransaction<T>(
    client: Connection,
    work: (tx: SqlTransaction) => Promise<T>,
  ): Promise<T> {
    return client.transaction(work);
  }

  private rebuildable(name: string): Rebuildable {
    const inline = this.inline.all().find((projection) => projection.name === name);
    const subscription = this.subscriptions.find(name);
    let apply: Rebuildable['apply'];
    let tables: readonly string[];
    let wants: Rebuildable['wants'];
    if (inline) {
      apply = (tx, events) => inline.apply(tx, events);
      tables = inline.tables ?? [inline.name];
      wants = selecting(inline);
    } else if (subscription) {
      apply = (tx, events) => subscription.handle(tx, events);
      tables = subscription.tables ?? [];
      wants = selecting(subscription);
    } else {
      throw this.notFound(name);
    }
    if (tables.length === 0) {
      throw new ProjectionNotRebuildableError(name, 'it declares no tables.');
    }
    if (!IDENTIFIER.test(name) || tables.some((table) => !IDENTIFIER.test(table))) {
      throw new ProjectionNotRebuildableError(
        name,
        'its name and tables must be lowercase identifiers.',
      );
    }
    return {
      name,
      kind: inline ? 'inline' : 'subscription',
      tables,
      wants,
      apply,
    };
  }

  private notFound(name: string): ProjectionNotFoundError {
    return new ProjectionNotFoundError(name, [
      ...this.inline.all().map((projection) => projection.name),
      ...this.subscriptions.all().map((subscription) => subscription.name),
    ]);
  }
}

type TenantLagRow = { lag: number; lag_seconds: number };

// Over `e`, the tenant's events after a place (none: `e` is all nulls).
const TENANT_LAG = `count(e.global_position)::int AS lag,
  COALESCE(EXTRACT(EPOCH FROM now() - min(e.created_at)), 0)::float8 AS lag_seconds`;

function tenantLag(row: TenantLagRow | undefined): { lagEvents: number; lagSeconds: number } {
  return {
    lagEvents: Number(row?.lag ?? 0),
    lagSeconds: Math.max(0, Math.round(Number(row?.lag_seconds ?? 0) * 1000) / 1000),
  };
}

function withRebuild(rebuild: ProjectionStatus['rebuild']): Pick<ProjectionStatus, 'rebuild'> {
  return rebuild ? { rebuild } : {};
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * Runs `work` in `transaction` as the login that owns the tables (the pool's role returns when
 * the transaction ends): operators' views span tenants, which neither runtime role may see.
 */
async function asOwner<T>(transaction: SqlTransaction, work: () => Promise<T>): Promise<T> {
  await transaction.query('SET LOCAL ROLE NONE');
  return work();
}
