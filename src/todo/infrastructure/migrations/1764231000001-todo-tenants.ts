import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addTenantColumn, protectTenantTable, rekey } from '../../../database/tenancy';

/**
 * Todo views and tombstones belong to a tenant, keyed by (tenant, id), and PostgreSQL keeps each
 * tenant's rows to itself. The list indexes lead with the tenant, so a page is one index range
 * of that tenant's rows.
 */
export class TodoTenants1764231000001 implements MigrationInterface {
  name = 'TodoTenants1764231000001';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of ['todo_read_views', 'todo_tombstones']) {
      await addTenantColumn(runner, table);
      await rekey(runner, table, 'tenant_id, id');
      await protectTenantTable(runner, table, {
        runtime: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
        worker: [],
      });
    }
    await runner.query(`DROP INDEX IF EXISTS todo_read_views_created_idx`);
    await runner.query(`DROP INDEX IF EXISTS todo_read_views_completed_created_idx`);
    await runner.query(`
      CREATE INDEX todo_read_views_created_idx
      ON todo_read_views (tenant_id, created_at DESC, id DESC)`);
    await runner.query(`
      CREATE INDEX todo_read_views_completed_created_idx
      ON todo_read_views (tenant_id, completed, created_at DESC, id DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS todo_read_views_created_idx`);
    await runner.query(`DROP INDEX IF EXISTS todo_read_views_completed_created_idx`);
    for (const table of ['todo_read_views', 'todo_tombstones']) {
      await runner.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await runner.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await runner.query(`DROP POLICY IF EXISTS ${table}_tenant ON ${table}`);
      await runner.query(`DELETE FROM ${table} WHERE tenant_id <> 'default'`);
      await rekey(runner, table, 'id');
      await runner.query(`ALTER TABLE ${table} DROP COLUMN tenant_id`);
    }
    await runner.query(`
      CREATE INDEX todo_read_views_created_idx ON todo_read_views (created_at DESC, id DESC)`);
    await runner.query(`
      CREATE INDEX todo_read_views_completed_created_idx
      ON todo_read_views (completed, created_at DESC, id DESC)`);
  }
}
