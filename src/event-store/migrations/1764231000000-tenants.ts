import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  WORKER_ROLE,
  addTenantColumn,
  ensureRoles,
  grant,
  protectTenantTable,
  rekey,
} from '../../database/tenancy';

/**
 * Every event, snapshot and idempotency record belongs to a tenant, and PostgreSQL keeps each
 * tenant's rows to itself (row-level security, forced). Keys lead with the tenant, so the same
 * stream id or idempotency key may exist in two tenants. Idempotency keys are also scoped to
 * the acting subject. Events stay append-only for everyone: the runtime role may only read and
 * insert them. Rows written so far belong to the `default` tenant.
 */
export class Tenants1764231000000 implements MigrationInterface {
  name = 'Tenants1764231000000';

  async up(runner: QueryRunner): Promise<void> {
    await ensureRoles(runner);

    await addTenantColumn(runner, 'events');
    await rekey(runner, 'events', 'tenant_id, aggregate_id, sequence');
    await protectTenantTable(runner, 'events', {
      runtime: ['SELECT', 'INSERT'],
      worker: ['SELECT'],
    });
    // Subscriptions and status read the whole log; they write only under a tenant they set.
    await runner.query(`DROP POLICY IF EXISTS events_worker_reads_all ON events`);
    await runner.query(
      `CREATE POLICY events_worker_reads_all ON events FOR SELECT TO ${WORKER_ROLE} USING (true)`,
    );

    await addTenantColumn(runner, 'snapshots');
    await rekey(runner, 'snapshots', 'tenant_id, stream_id, schema_version, version');
    await protectTenantTable(runner, 'snapshots', { runtime: ['SELECT', 'INSERT'], worker: [] });

    await addTenantColumn(runner, 'idempotency_keys');
    await runner.query(
      `ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS subject TEXT NOT NULL DEFAULT ''`,
    );
    await runner.query(`
      ALTER TABLE idempotency_keys
      ALTER COLUMN subject SET DEFAULT COALESCE(current_setting('todo.subject', true), '')`);
    await rekey(runner, 'idempotency_keys', 'tenant_id, subject, key');
    await protectTenantTable(runner, 'idempotency_keys', {
      runtime: ['SELECT', 'INSERT', 'UPDATE'],
      worker: ['SELECT', 'UPDATE', 'DELETE'],
    });
    // The clean-up deletes expired records of every tenant, and can write none.
    await runner.query(`DROP POLICY IF EXISTS idempotency_keys_expired ON idempotency_keys`);
    await runner.query(`
      CREATE POLICY idempotency_keys_expired ON idempotency_keys TO ${WORKER_ROLE}
      USING (expires_at <= now()) WITH CHECK (false)`);

    // Operational state of projections: no tenant's data.
    for (const table of [
      'projection_checkpoints',
      'projection_dead_letters',
      'projection_rebuilds',
    ]) {
      await grant(runner, table, {
        runtime: ['SELECT', 'INSERT', 'UPDATE'],
        worker: ['SELECT', 'INSERT', 'UPDATE'],
      });
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['events', 'snapshots', 'idempotency_keys']) {
      await runner.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await runner.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await runner.query(`DROP POLICY IF EXISTS ${table}_tenant ON ${table}`);
    }
    await runner.query(`DROP POLICY IF EXISTS events_worker_reads_all ON events`);
    await runner.query(`DROP POLICY IF EXISTS idempotency_keys_expired ON idempotency_keys`);
    // Keys without the tenant only hold while one tenant has rows; other tenants' rows go.
    for (const table of ['snapshots', 'idempotency_keys']) {
      await runner.query(`DELETE FROM ${table} WHERE tenant_id <> 'default'`);
    }
    await rekey(runner, 'idempotency_keys', 'key');
    await rekey(runner, 'snapshots', 'stream_id, schema_version, version');
    await rekey(runner, 'events', 'aggregate_id, sequence');
    await runner.query(`ALTER TABLE idempotency_keys DROP COLUMN subject`);
    for (const table of ['events', 'snapshots', 'idempotency_keys']) {
      await runner.query(`ALTER TABLE ${table} DROP COLUMN tenant_id`);
    }
  }
}
