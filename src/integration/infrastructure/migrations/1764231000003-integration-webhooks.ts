import type { MigrationInterface, QueryRunner } from 'typeorm';
import { protectTenantTable, WORKER_ROLE } from '../../../database/tenancy';

/**
 * Webhook endpoints and their delivery attempts. Each endpoint keeps its own place in the log
 * (`position`, the last event it got or skipped), so a failing endpoint holds back nobody else;
 * `failing_since`/`next_attempt_at` drive its retries; `lease_*` lets one instance at a time
 * deliver to it. The signing secret is kept as issued: HMAC needs it, not a hash of it. Both
 * tables belong to tenants (row-level security, forced), as every table with tenant data.
 */
export class IntegrationWebhooks1764231000003 implements MigrationInterface {
  name = 'IntegrationWebhooks1764231000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS integration_webhooks (
        id UUID PRIMARY KEY,
        tenant_id TEXT NOT NULL DEFAULT current_setting('todo.tenant') CHECK (tenant_id <> ''),
        url TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        event_types TEXT[] NOT NULL DEFAULT '{}',
        secret TEXT NOT NULL,
        enabled BOOLEAN NOT NULL DEFAULT true,
        disabled_reason TEXT,
        position BIGINT NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        failing_since TIMESTAMPTZ,
        next_attempt_at TIMESTAMPTZ,
        lease_owner UUID,
        lease_until TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS integration_webhooks_tenant_idx
      ON integration_webhooks (tenant_id, created_at, id)`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS integration_webhook_deliveries (
        id UUID PRIMARY KEY,
        webhook_id UUID NOT NULL,
        tenant_id TEXT NOT NULL DEFAULT current_setting('todo.tenant') CHECK (tenant_id <> ''),
        event_id UUID NOT NULL,
        event_position BIGINT NOT NULL,
        event_type TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        redelivery BOOLEAN NOT NULL DEFAULT false,
        outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed')),
        status_code INTEGER,
        duration_ms INTEGER NOT NULL,
        error TEXT,
        attempted_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
        seq BIGINT GENERATED ALWAYS AS IDENTITY
      )`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS integration_webhook_deliveries_webhook_idx
      ON integration_webhook_deliveries (webhook_id, seq DESC)`);
    const privileges = {
      runtime: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
      worker: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    } as const;
    for (const table of ['integration_webhooks', 'integration_webhook_deliveries']) {
      await protectTenantTable(runner, table, privileges);
      // The dispatcher serves every tenant's endpoints: it leases them, moves their places and
      // records their attempts, each under the endpoint's own tenant id.
      await runner.query(`DROP POLICY IF EXISTS ${table}_worker ON ${table}`);
      await runner.query(
        `CREATE POLICY ${table}_worker ON ${table} TO ${WORKER_ROLE} USING (true) WITH CHECK (true)`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS integration_webhook_deliveries`);
    await runner.query(`DROP TABLE IF EXISTS integration_webhooks`);
  }
}
