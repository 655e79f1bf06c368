import type { MigrationInterface, QueryRunner } from 'typeorm';
import { WORKER_ROLE, addTenantColumn, grant, protectTenantTable } from '../../database/tenancy';

/**
 * A dead letter names an event of a tenant (its stream, its type, the error its data caused), so
 * it belongs to that tenant like the event: the worker that parks it writes it under the event's
 * tenant, and row-level security is forced on it like every tenant table. The worker may count
 * every tenant's dead letters (projection status); the runtime role has no access at all.
 * Operators list and resolve them as the owner, across tenants. Dead letters parked so far take
 * their event's tenant.
 */
export class DeadLetterTenants1764231400000 implements MigrationInterface {
  name = 'DeadLetterTenants1764231400000';

  async up(runner: QueryRunner): Promise<void> {
    await addTenantColumn(runner, 'projection_dead_letters');
    await runner.query(`
      UPDATE projection_dead_letters d SET tenant_id = e.tenant_id
      FROM events e WHERE e.event_id = d.event_id AND d.tenant_id <> e.tenant_id`);
    await protectTenantTable(runner, 'projection_dead_letters', {
      runtime: [],
      worker: ['SELECT', 'INSERT'],
    });
    await runner.query(
      `DROP POLICY IF EXISTS projection_dead_letters_worker_reads_all ON projection_dead_letters`,
    );
    await runner.query(`
      CREATE POLICY projection_dead_letters_worker_reads_all ON projection_dead_letters
      FOR SELECT TO ${WORKER_ROLE} USING (true)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DROP POLICY IF EXISTS projection_dead_letters_worker_reads_all ON projection_dead_letters`,
    );
    await runner.query(
      `DROP POLICY IF EXISTS projection_dead_letters_tenant ON projection_dead_letters`,
    );
    await runner.query(`ALTER TABLE projection_dead_letters NO FORCE ROW LEVEL SECURITY`);
    await runner.query(`ALTER TABLE projection_dead_letters DISABLE ROW LEVEL SECURITY`);
    await runner.query(`ALTER TABLE projection_dead_letters DROP COLUMN tenant_id`);
    await grant(runner, 'projection_dead_letters', {
      runtime: ['SELECT', 'INSERT', 'UPDATE'],
      worker: ['SELECT', 'INSERT', 'UPDATE'],
    });
  }
}
