import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addTenantColumn, protectTenantTable, rekey } from '../../../database/tenancy';

/**
 * Daily counts and the feed belong to a tenant, and PostgreSQL keeps each tenant's rows to
 * itself. The subscription writes them as the worker role, under the tenant of each event.
 */
export class ActivityTenants1764231000002 implements MigrationInterface {
  name = 'ActivityTenants1764231000002';

  async up(runner: QueryRunner): Promise<void> {
    const privileges = {
      runtime: ['SELECT'],
      worker: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    } as const;
    await addTenantColumn(runner, 'activity_daily_counts');
    await rekey(runner, 'activity_daily_counts', 'tenant_id, day');
    await protectTenantTable(runner, 'activity_daily_counts', privileges);
    await addTenantColumn(runner, 'activity_feed');
    await runner.query(`
      CREATE INDEX IF NOT EXISTS activity_feed_tenant_position_idx
      ON activity_feed (tenant_id, global_position DESC)`);
    await protectTenantTable(runner, 'activity_feed', privileges);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['activity_daily_counts', 'activity_feed']) {
      await runner.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await runner.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await runner.query(`DROP POLICY IF EXISTS ${table}_tenant ON ${table}`);
      await runner.query(`DELETE FROM ${table} WHERE tenant_id <> 'default'`);
    }
    await runner.query(`DROP INDEX IF EXISTS activity_feed_tenant_position_idx`);
    await rekey(runner, 'activity_daily_counts', 'day');
    for (const table of ['activity_daily_counts', 'activity_feed']) {
      await runner.query(`ALTER TABLE ${table} DROP COLUMN tenant_id`);
    }
  }
}
