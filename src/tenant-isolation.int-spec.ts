import { randomUUID } from 'node:crypto';
import { WebhookStore } from './integration/application/webhooks/webhook';
import { WebhookAdmin } from './integration/application/webhooks/webhook-admin';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { startTestApp } from '../test/support/app';
import { databaseOf, testDatabaseUrl } from '../test/support/database';
import type { TestDatabase } from '../test/support/database';
import { waitFor } from '../test/support/wait-for';
import { RUNTIME_ROLE, TENANT_SETTING, WORKER_ROLE } from './database/tenancy';
import { runInTenantScope } from './database/tenant-scope';
import {
  EventStore,
  IdempotencyKeyCleanup,
  IdempotencyStore,
  ProjectionAdmin,
} from './event-store';

jest.setTimeout(60_000);

/** Tables the worker role reads across tenants: the log, and dead letters (counted for status). */
const readsAllTenants = (table: string) =>
  table === 'events' || table === 'projection_dead_letters';

/**
 * The database itself keeps tenants apart, whatever the code above it does: checked here with
 * plain connections acting as the service's roles, on every table that has a tenant column.
 */
describe('tenant isolation in PostgreSQL', () => {
  let app: INestApplication;
  let database: TestDatabase;
  const tenantA = `a-${randomUUID()}`;
  const tenantB = `b-${randomUUID()}`;
  let tables: { name: string; enabled: boolean; forced: boolean }[];

  /** A connection as the service opens one: in `role`, whatever the login. */
  async function connectAs(role: string): Promise<Client> {
    const client = new Client({ connectionString: testDatabaseUrl(), options: `-c role=${role}` });
    await client.connect();
    return client;
  }

  /** Runs `work` in a transaction of `role` with `tenant` set (none: no tenant). */
  async function as<T>(
    role: string,
    tenant: string | undefined,
    work: (client: Client) => Promise<T>,
  ): Promise<T> {
    const client = await connectAs(role);
    try {
      await client.query('BEGIN');
      if (tenant !== undefined) {
        await client.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [tenant]);
      }
      return await work(client);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  }

  /**
   * Writes a tenant's rows the way the service does: through the store, its inline projection,
   * an idempotency record, and the activity subscription of the running app.
   */
  async function seed(tenant: string): Promise<void> {
    const store = app.get(EventStore);
    const idempotency = app.get(IdempotencyStore, { strict: false });
    const now = new Date().toISOString();
    await runInTenantScope({ tenant, subject: 'jwt:seeder' }, async () => {
      const kept = randomUUID();
      await store.append(
        kept,
        0,
        [{ type: 'TodoCreated', data: { todoId: kept, title: `of ${tenant}`, createdAt: now } }],
        {
          streamType: 'todo',
          snapshot: { schemaVersion: 1, state: { title: `of ${tenant}` } },
          beforeCommit: (transaction) =>
            idempotency.record(
              transaction,
              {
                key: randomUUID(),
                fingerprint: 'f',
                streamId: kept,
                streamType: 'todo',
                version: 1,
                outcome: 'appended',
              },
              3600,
            ),
        },
      );
      const gone = randomUUID();
      await store.append(
        gone,
        0,
        [
          { type: 'TodoCreated', data: { todoId: gone, title: 'gone', createdAt: now } },
          { type: 'TodoDeleted', data: { todoId: gone, deletedAt: now } },
        ],
        { streamType: 'todo' },
      );
      const hook = await app
        .get(WebhookAdmin)
        .create(tenant, { url: 'https://hooks.example.com/' });
      await app.get(WebhookStore).recordDeliveries([
        {
          id: randomUUID(),
          webhookId: hook.id,
          tenant,
          eventId: randomUUID(),
          eventPosition: 1,
          eventType: 'TodoCreated',
          attempt: 1,
          redelivery: false,
          outcome: 'failed',
          statusCode: null,
          durationMs: 1,
          error: 'seeded',
        },
      ]);
      await parkDeadLetter(tenant, kept);
      // A list holding the kept todo: the lists module's views and (by its subscription) cards.
      const list = randomUUID();
      await store.append(
        list,
        0,
        [
          { type: 'ListCreated', data: { listId: list, name: `of ${tenant}`, createdAt: now } },
          {
            type: 'ListTodoAdded',
            data: {
              listId: list,
              todoId: kept,
              todo: { title: `of ${tenant}`, completed: false, version: 1 },
              addedAt: now,
            },
          },
        ],
        { streamType: 'list' },
      );
    });
  }

  /** Projection of the dead letters seeded here (named so that no worker runs it). */
  const parkedBy = `isolation_${randomUUID().slice(0, 8)}`;

  /**
   * A dead letter of `tenant`'s event, written as a subscription worker parks one: in the worker
   * role, under the event's tenant.
   */
  async function parkDeadLetter(tenant: string, streamId: string): Promise<void> {
    const [event] = await database.asOwner<{ event_id: string; global_position: string }>(
      `SELECT event_id, global_position FROM events WHERE tenant_id = $1 AND aggregate_id = $2`,
      [tenant, streamId],
    );
    const client = await connectAs(WORKER_ROLE);
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [tenant]);
      await client.query(
        `INSERT INTO projection_dead_letters
           (projection, global_position, transaction_id, event_id, event_type, stream_id, attempts, error)
         VALUES ($1, $2, '1'::xid8, $3, 'TodoCreated', $4, 3, $5)`,
        [
          parkedBy,
          event?.global_position,
          event?.event_id,
          streamId,
          `refused a todo of ${tenant}`,
        ],
      );
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }

  /** One row of `table` of `tenant`, as the owner sees it. */
  async function rowOf(table: string, tenant: string): Promise<Record<string, unknown>> {
    const [row] = await database.asOwner<{ row: Record<string, unknown> }>(
      `SELECT to_jsonb(t) AS row FROM ${table} t WHERE tenant_id = $1 LIMIT 1`,
      [tenant],
    );
    if (!row) throw new Error(`no row of ${tenant} in ${table}`);
    return row.row;
  }

  /** Inserts a copy of `row` (its tenant unchanged): what a write of another tenant would be. */
  const insertCopy = (client: Client, table: string, row: Record<string, unknown>) =>
    client.query(
      `INSERT INTO ${table} OVERRIDING SYSTEM VALUE
       SELECT * FROM jsonb_populate_record(NULL::${table}, $1::jsonb)`,
      [JSON.stringify(row)],
    );

  beforeAll(async () => {
    app = await startTestApp();
    database = databaseOf(app);
    // The seeded dead letters would otherwise stay unresolved in the run's database.
    resolveSeeded = () =>
      database.asOwner(
        'UPDATE projection_dead_letters SET resolved_at = now() WHERE projection = $1',
        [parkedBy],
      );
    await seed(tenantA);
    await seed(tenantB);
    await waitFor('both tenants in the activity and lists tables', async () => {
      const rows = await database.asOwner(
        'SELECT DISTINCT tenant_id FROM activity_daily_counts WHERE tenant_id IN ($1, $2)',
        [tenantA, tenantB],
      );
      const cards = await database.asOwner(
        'SELECT DISTINCT tenant_id FROM lists_todo_cards WHERE tenant_id IN ($1, $2)',
        [tenantA, tenantB],
      );
      return rows.length === 2 && cards.length === 2;
    });
    tables = await database.asOwner<{ name: string; enabled: boolean; forced: boolean }>(
      `SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
       ORDER BY 1`,
    );
  });

  let resolveSeeded = (): Promise<unknown> => Promise.resolve();

  afterAll(async () => {
    await resolveSeeded();
    await app?.close();
  });

  it('finds the tenant column on every table of tenant data, each with row-level security forced', () => {
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining([
        'activity_daily_counts',
        'activity_feed',
        'events',
        'idempotency_keys',
        'lists_items',
        'lists_todo_cards',
        'lists_views',
        'projection_dead_letters',
        'snapshots',
        'todo_read_views',
        'todo_tombstones',
      ]),
    );
    for (const table of tables) {
      expect(table).toEqual({ name: table.name, enabled: true, forced: true });
    }
  });

  it('runs the service as roles that own nothing and cannot bypass row-level security', async () => {
    const roles = await database.asOwner<{ name: string; bypasses: boolean; owns: boolean }>(
      `SELECT r.rolname AS name, r.rolsuper OR r.rolbypassrls AS bypasses,
         EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid) AS owns
       FROM pg_roles r WHERE r.rolname IN ($1, $2) ORDER BY 1`,
      [RUNTIME_ROLE, WORKER_ROLE],
    );
    expect(roles).toEqual([
      { name: RUNTIME_ROLE, bypasses: false, owns: false },
      { name: WORKER_ROLE, bypasses: false, owns: false },
    ]);
  });

  it('with no tenant set, every tenant table reads no row and refuses writes', async () => {
    for (const { name } of tables) {
      const row = await rowOf(name, tenantA);
      for (const role of [RUNTIME_ROLE, WORKER_ROLE]) {
        // The worker reads the whole log by design (and counts every tenant's dead letters for
        // projection status); everything else it sees is per tenant (or, where it has no
        // business, not at all).
        if (!(role === WORKER_ROLE && readsAllTenants(name))) {
          const count = await as(role, undefined, (client) =>
            client.query<{ count: string }>(`SELECT count(*) FROM ${name}`),
          ).then(
            (result) => result.rows[0]?.count,
            (error: Error) => error.message,
          );
          expect([name, role, count]).toEqual([
            name,
            role,
            expect.stringMatching(/^0$|permission denied/),
          ]);
        }
        await expect(
          as(role, undefined, (client) => insertCopy(client, name, row)),
        ).rejects.toThrow(/row-level security|permission denied|todo\.tenant/);
        // Nothing visible, so nothing to change: updates and deletes touch no row (or may not run).
        for (const change of [`UPDATE ${name} SET tenant_id = tenant_id`, `DELETE FROM ${name}`]) {
          const outcome = await as(role, undefined, (client) => client.query(change)).then(
            (result) => result.rowCount,
            (error: Error) => error.message,
          );
          if (typeof outcome === 'number') {
            if (!(role === WORKER_ROLE && name === 'idempotency_keys')) {
              expect([name, role, change, outcome]).toEqual([name, role, change, 0]);
            }
          } else {
            expect(outcome).toMatch(/permission denied/);
          }
        }
      }
    }
  });

  it("with tenant A set, sees A's rows and nothing of B's, and cannot write B's", async () => {
    for (const { name } of tables) {
      // Each table as the role that writes it: the runtime role has no access to dead letters.
      const role =
        name.startsWith('activity_') || name === 'projection_dead_letters'
          ? WORKER_ROLE
          : RUNTIME_ROLE;
      const counts = await as(role, tenantA, (client) =>
        client.query<{ mine: string; others: string }>(
          `SELECT count(*) FILTER (WHERE tenant_id = $1) AS mine,
                  count(*) FILTER (WHERE tenant_id <> $1) AS others
           FROM ${name}`,
          [tenantA],
        ),
      );
      if (!(role === WORKER_ROLE && readsAllTenants(name))) {
        expect([name, counts.rows[0]?.others]).toEqual([name, '0']);
      }
      expect([name, Number(counts.rows[0]?.mine) > 0]).toEqual([name, true]);
      const rowOfB = await rowOf(name, tenantB);
      await expect(as(role, tenantA, (client) => insertCopy(client, name, rowOfB))).rejects.toThrow(
        /row-level security|permission denied/,
      );
    }
  });

  it("lets the worker with tenant A set see and change A's webhook rows and none of B's", async () => {
    for (const name of ['integration_webhooks', 'integration_webhook_deliveries']) {
      const counts = await as(WORKER_ROLE, tenantA, (client) =>
        client.query<{ mine: string; others: string }>(
          `SELECT count(*) FILTER (WHERE tenant_id = $1) AS mine,
                  count(*) FILTER (WHERE tenant_id <> $1) AS others
           FROM ${name}`,
          [tenantA],
        ),
      );
      // The running dispatcher may have recorded attempts of its own: A has one row or more.
      expect([name, counts.rows[0]?.others, Number(counts.rows[0]?.mine) > 0]).toEqual([
        name,
        '0',
        true,
      ]);
      const changes = await as(WORKER_ROLE, tenantA, async (client) => ({
        updated: (
          await client.query(`UPDATE ${name} SET tenant_id = tenant_id WHERE tenant_id = $1`, [
            tenantB,
          ])
        ).rowCount,
        deleted: (await client.query(`DELETE FROM ${name} WHERE tenant_id = $1`, [tenantB]))
          .rowCount,
        mine: (
          await client.query(`UPDATE ${name} SET tenant_id = tenant_id WHERE tenant_id = $1`, [
            tenantA,
          ])
        ).rowCount,
      }));
      expect([name, changes.updated, changes.deleted, (changes.mine ?? 0) > 0]).toEqual([
        name,
        0,
        0,
        true,
      ]);
      // Moving A's row to B is refused as well.
      await expect(
        as(WORKER_ROLE, tenantA, (client) =>
          client.query(`UPDATE ${name} SET tenant_id = $2 WHERE tenant_id = $1`, [
            tenantA,
            tenantB,
          ]),
        ),
      ).rejects.toThrow(/row-level security/);
      const rowOfB = await rowOf(name, tenantB);
      await expect(
        as(WORKER_ROLE, tenantA, (client) => insertCopy(client, name, rowOfB)),
      ).rejects.toThrow(/row-level security/);
    }
  });

  it('gives the worker across tenants only the ids, tenants and places of endpoints', async () => {
    const owner = randomUUID();
    const claimed = await as(WORKER_ROLE, undefined, (client) =>
      client.query<Record<string, unknown>>(
        `SELECT * FROM integration_webhooks_claim_due($1, 60000, 1000, '{}')`,
        [owner],
      ),
    );
    // Which endpoints are due depends on the running dispatcher; what comes back does not.
    for (const row of claimed.rows) {
      expect(Object.keys(row).sort()).toEqual(['webhook_id', 'webhook_tenant']);
    }
    const places = await as(WORKER_ROLE, undefined, (client) =>
      client.query<Record<string, unknown>>('SELECT * FROM integration_webhook_places()'),
    );
    const ofAB = places.rows.filter((row) =>
      [tenantA, tenantB].includes(row.webhook_tenant as string),
    );
    expect(ofAB.map((row) => row.webhook_tenant).sort()).toEqual([tenantA, tenantB].sort());
    for (const row of places.rows) {
      expect(Object.keys(row).sort()).toEqual([
        'is_enabled',
        'is_failing',
        'place',
        'webhook_id',
        'webhook_tenant',
      ]);
    }
    // The functions are the worker's alone: the runtime role may not call them.
    for (const call of [
      `SELECT * FROM integration_webhooks_claim_due('${owner}', 1, 1, '{}')`,
      'SELECT * FROM integration_webhook_places()',
    ]) {
      await expect(as(RUNTIME_ROLE, tenantA, (client) => client.query(call))).rejects.toThrow(
        /permission denied/,
      );
    }
  });

  it("gives the operators' view every tenant's dead letters, each with its event's tenant", async () => {
    const letters = (await app.get(ProjectionAdmin).deadLetters(parkedBy)).map((letter) => ({
      tenant: letter.tenant,
      error: letter.error,
    }));
    expect(letters).toEqual([
      { tenant: tenantA, error: `refused a todo of ${tenantA}` },
      { tenant: tenantB, error: `refused a todo of ${tenantB}` },
    ]);
    // The service's own role sees none of them, tenant set or not.
    for (const tenant of [undefined, tenantA]) {
      await expect(
        as(RUNTIME_ROLE, tenant, (client) => client.query('SELECT 1 FROM projection_dead_letters')),
      ).rejects.toThrow(/permission denied/);
    }
  });

  it('refuses UPDATE and DELETE on events to both roles, with a tenant set or not', async () => {
    for (const role of [RUNTIME_ROLE, WORKER_ROLE]) {
      for (const tenant of [undefined, tenantA]) {
        for (const change of [`UPDATE events SET payload = '{}'`, 'DELETE FROM events']) {
          await expect(as(role, tenant, (client) => client.query(change))).rejects.toThrow(
            /permission denied/,
          );
        }
      }
    }
  });

  it('lets the worker read every tenant of the log but write no event', async () => {
    const { rows } = await as(WORKER_ROLE, undefined, (client) =>
      client.query<{ tenant_id: string }>(
        'SELECT DISTINCT tenant_id FROM events WHERE tenant_id IN ($1, $2) ORDER BY 1',
        [tenantA, tenantB],
      ),
    );
    expect(rows.map((row) => row.tenant_id)).toEqual([tenantA, tenantB]);
    const event = await rowOf('events', tenantA);
    await expect(
      as(WORKER_ROLE, tenantA, (client) => insertCopy(client, 'events', event)),
    ).rejects.toThrow(/permission denied/);
  });

  it('deletes expired idempotency records of every tenant, and no live one', async () => {
    const expired = await database.asOwner<{ key: string }>(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second'
       WHERE tenant_id IN ($1, $2) RETURNING key`,
      [tenantA, tenantB],
    );
    expect(expired).toHaveLength(2);
    await app.get(IdempotencyKeyCleanup).run();
    const left = await database.asOwner(
      'SELECT 1 FROM idempotency_keys WHERE tenant_id IN ($1, $2)',
      [tenantA, tenantB],
    );
    expect(left).toEqual([]);
  });
});
