import { randomBytes, randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { startTestApp } from '../test/support/app';
import { databaseOf, testDatabaseUrl } from '../test/support/database';
import { ProjectionAdmin } from './event-store';
import { RUNTIME_ROLE, TENANT_SETTING, WORKER_ROLE, ensureRoles } from './database/tenancy';

jest.setTimeout(120_000);

/** Work on the run's database as the cluster's administrator (a superuser). */
async function asAdministrator(work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The service with a `DATABASE_URL` whose login is not a superuser, with the rights the README
 * names for one: it owns its database, holds the two service roles (made beforehand, as the run's
 * database already made them in this cluster, and granted by an administrator) and may bypass
 * row-level security (for rebuilds and the operators' views across tenants). Migrations, the
 * switch to the runtime role and row-level security must all hold as with a superuser.
 */
describe('a DATABASE_URL login that is not a superuser', () => {
  // Roles belong to the cluster, which other suites share while this one runs: names of its own.
  const suffix = randomBytes(5).toString('hex');
  const login = `todo_owner_${suffix}`;
  // Some clusters (the embedded one) ask every login for a password.
  const password = randomBytes(12).toString('hex');
  const databaseName = `${new URL(testDatabaseUrl()).pathname.slice(1)}_owner_${suffix}`;
  let url: string;
  let app: NestExpressApplication | undefined;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;

  beforeAll(async () => {
    await asAdministrator(async (client) => {
      // The service's two roles, made as its migrations make them (a no-op where they exist).
      await ensureRoles(client);
      await client.query(
        `CREATE ROLE ${login} LOGIN NOSUPERUSER NOCREATEDB BYPASSRLS PASSWORD '${password}'`,
      );
      await client.query(`GRANT ${RUNTIME_ROLE}, ${WORKER_ROLE} TO ${login}`);
      await client.query(`CREATE DATABASE ${databaseName} OWNER ${login}`);
    });
    const address = new URL(testDatabaseUrl());
    address.username = login;
    address.password = password;
    address.pathname = `/${databaseName}`;
    url = address.toString();
    // Migrations run as this login, then the pool switches to the runtime role.
    app = await startTestApp({
      database: { url, poolSize: 5, connectionTimeoutMs: 10_000, migrate: true },
    });
    http = app.getHttpServer();
  });

  afterAll(async () => {
    await app?.close();
    await asAdministrator(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${login}`);
    });
  });

  it('is what the test means: not a superuser, and the owner of the tables', async () => {
    const [row] = await databaseOf(app!).asOwner<{ superuser: boolean; owner: string }>(
      `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
              (SELECT tableowner FROM pg_tables WHERE tablename = 'events') AS owner`,
    );
    expect(row).toEqual({ superuser: false, owner: login });
  });

  it('writes and reads a todo over HTTP', async () => {
    const created = await request(http)
      .post('/todos')
      .send({ title: 'owned by a plain login' })
      .expect(201);
    const id = (created.body as { id: string }).id;
    const read = await request(http).get(`/todos/${id}`).expect(200);
    expect(read.body).toMatchObject({ id, title: 'owned by a plain login', completed: false });
  });

  it('runs its pooled statements as the runtime role, under row-level security', async () => {
    const database = databaseOf(app!);
    const [who] = await database.rows<{ role: string; login: string; tenant: string }>(
      `SELECT current_user AS role, session_user AS login,
              current_setting('${TENANT_SETTING}', true) AS tenant`,
    );
    expect(who).toEqual({ role: RUNTIME_ROLE, login, tenant: 'default' });
    // The todo written above is the default tenant's; another tenant sees none of its events.
    const client = new Client({ connectionString: url, options: `-c role=${RUNTIME_ROLE}` });
    await client.connect();
    try {
      await client.query('BEGIN');
      const noTenant = await client.query<{ count: string }>('SELECT count(*) FROM events');
      expect(noTenant.rows[0]?.count).toBe('0');
      await client.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [randomUUID()]);
      const otherTenant = await client.query<{ count: string }>('SELECT count(*) FROM events');
      expect(otherTenant.rows[0]?.count).toBe('0');
      await client.query(`SELECT set_config('${TENANT_SETTING}', 'default', true)`);
      const own = await client.query<{ count: string }>('SELECT count(*) FROM events');
      expect(Number(own.rows[0]?.count)).toBeGreaterThan(0);
      await expect(client.query(`UPDATE events SET payload = '{}'`)).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
    await expect(
      database.transaction((transaction) => transaction.query('DELETE FROM events')),
    ).rejects.toThrow(/permission denied/);
  });

  it("serves the operators' views across tenants as the owner", async () => {
    // A dead letter of another tenant, written as a subscription worker parks one.
    const tenant = `t-${suffix}`;
    const worker = new Client({ connectionString: url, options: `-c role=${WORKER_ROLE}` });
    await worker.connect();
    try {
      await worker.query('BEGIN');
      await worker.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [tenant]);
      await worker.query(
        `INSERT INTO projection_dead_letters
           (projection, global_position, transaction_id, event_id, event_type, stream_id, attempts, error)
         VALUES ('parked_here', 1, '1'::xid8, $1, 'TodoCreated', $2, 3, 'refused')`,
        [randomUUID(), randomUUID()],
      );
      await worker.query('COMMIT');
    } finally {
      await worker.end();
    }
    const admin = app!.get(ProjectionAdmin);
    expect(await admin.deadLetters()).toEqual([
      expect.objectContaining({ projection: 'parked_here', tenant, error: 'refused' }),
    ]);
    const statuses = await admin.status();
    expect(statuses.length).toBeGreaterThan(0);
  });
});
