import type { MigrationInterface, QueryRunner } from 'typeorm';
import { WORKER_ROLE } from '../../../database/tenancy';

const TABLES = ['integration_webhooks', 'integration_webhook_deliveries'];

/**
 * The webhook dispatcher no longer sees every tenant's endpoints. Its role loses the policy that
 * let it read and write any tenant's endpoint and delivery rows; what scheduling needs across
 * tenants goes through two functions that run as the tables' owner and return no tenant's
 * data: `integration_webhooks_claim_due` leases the due endpoints and returns only their ids
 * and tenants, `integration_webhook_places` gives each endpoint's tenant, state and place in the
 * log for status and metrics. Everything else (reading an endpoint's url and secret, moving its
 * place, recording attempts) runs under the endpoint's tenant, where the tenant policy applies.
 */
export class WebhookWorkerPerTenant1764231400003 implements MigrationInterface {
  name = 'WebhookWorkerPerTenant1764231400003';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await runner.query(`DROP POLICY IF EXISTS ${table}_worker ON ${table}`);
    }
    // Row-level security is forced on the table, so an owner that may not bypass it (not a
    // superuser, no BYPASSRLS) needs a policy of its own for the functions below to see rows.
    // The owner could switch row-level security off anyway: this takes nothing from the tenants.
    await runner.query(`DROP POLICY IF EXISTS integration_webhooks_owner ON integration_webhooks`);
    await runner.query(
      `CREATE POLICY integration_webhooks_owner ON integration_webhooks TO CURRENT_USER
       USING (true) WITH CHECK (true)`,
    );
    const [current] = (await runner.query(`SELECT quote_ident(current_schema()) AS schema`)) as {
      schema: string;
    }[];
    // A function that runs as its owner is called with the caller's search path unless it
    // names its own: a caller could otherwise put a table of its own in front.
    const searchPath = `${current?.schema ?? 'public'}, pg_temp`;
    await runner.query(`
      CREATE OR REPLACE FUNCTION integration_webhooks_claim_due(
        claimant UUID, lease_ms DOUBLE PRECISION, max_count INTEGER, skipped UUID[])
      RETURNS TABLE (webhook_id UUID, webhook_tenant TEXT)
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ${searchPath}
      AS $fn$
        UPDATE integration_webhooks w SET lease_owner = $1,
          lease_until = now() + make_interval(secs => $2 / 1000)
        WHERE w.id IN (
          SELECT c.id FROM integration_webhooks c
          WHERE c.enabled AND NOT (c.id = ANY($4))
            AND (c.lease_until IS NULL OR c.lease_until < now() OR c.lease_owner = $1)
            AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= now())
          ORDER BY c.id LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING w.id, w.tenant_id
      $fn$`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION integration_webhook_places()
      RETURNS TABLE (webhook_id UUID, webhook_tenant TEXT, is_enabled BOOLEAN,
        is_failing BOOLEAN, place BIGINT)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ${searchPath}
      AS $fn$
        SELECT id, tenant_id, enabled, failing_since IS NOT NULL, position
        FROM integration_webhooks ORDER BY tenant_id, created_at, id
      $fn$`);
    for (const fn of [
      'integration_webhooks_claim_due(UUID, DOUBLE PRECISION, INTEGER, UUID[])',
      'integration_webhook_places()',
    ]) {
      await runner.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await runner.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${WORKER_ROLE}`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DROP FUNCTION IF EXISTS integration_webhooks_claim_due(UUID, DOUBLE PRECISION, INTEGER, UUID[])`,
    );
    await runner.query(`DROP FUNCTION IF EXISTS integration_webhook_places()`);
    await runner.query(`DROP POLICY IF EXISTS integration_webhooks_owner ON integration_webhooks`);
    for (const table of TABLES) {
      await runner.query(
        `CREATE POLICY ${table}_worker ON ${table} TO ${WORKER_ROLE} USING (true) WITH CHECK (true)`,
      );
    }
  }
}
