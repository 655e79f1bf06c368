import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../../../database/database';
import type { NamedStatement, Statement } from '../../../database/database';
import { WORKER_ROLE } from '../../../database/tenancy';
import { runInTenantScope } from '../../../database/tenant-scope';
import type { TenantScope } from '../../../database/tenant-scope';
import { WebhookStore, webhookView } from '../../application/webhooks/webhook';
import type {
  DeliveryView,
  NewDelivery,
  NewWebhook,
  WebhookChanges,
  WebhookEndpoint,
  WebhookPlace,
  WebhookView,
} from '../../application/webhooks/webhook';

type WebhookRow = {
  id: string;
  tenant_id: string;
  url: string;
  description: string;
  event_types: string[];
  secret: string;
  previous_secret: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  position: string;
  attempts: number;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
};

type DeliveryRow = {
  id: string;
  event_id: string;
  event_position: string;
  event_type: string;
  attempt: number;
  redelivery: boolean;
  outcome: 'delivered' | 'failed';
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  attempted_at: Date;
};

// The previous secret only while it is valid, by the database's clock.
const WEBHOOK_COLUMNS = `id, tenant_id, url, description, event_types, secret,
  CASE WHEN previous_secret_until > now() THEN previous_secret END AS previous_secret,
  enabled, disabled_reason, position, attempts, failing_since, created_at, updated_at`;
const DELIVERY_COLUMNS = `id, event_id, event_position, event_type, attempt, redelivery, outcome,
  status_code, duration_ms, error, attempted_at`;

// Attempts from one array per column ($1..$12, see `deliveryColumns`), inserted in the order
// given, so that their `seq` (the order GET …/deliveries lists them in) is the order they
// happened in.
const INSERT_DELIVERIES = `INSERT INTO integration_webhook_deliveries
    (id, webhook_id, tenant_id, event_id, event_position, event_type, attempt, redelivery,
     outcome, status_code, duration_ms, error)
  SELECT id, webhook_id, tenant_id, event_id, event_position, event_type, attempt, redelivery,
         outcome, status_code, duration_ms, error
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::bigint[],
    $6::text[], $7::int[], $8::boolean[], $9::text[], $10::int[], $11::int[], $12::text[])
    WITH ORDINALITY AS d(id, webhook_id, tenant_id, event_id, event_position, event_type, attempt,
      redelivery, outcome, status_code, duration_ms, error, ord)
  ORDER BY ord`;

const RECORD: NamedStatement = {
  name: 'webhook_record_deliveries',
  text: `${INSERT_DELIVERIES} RETURNING ${DELIVERY_COLUMNS}`,
};

// A batch's attempts and the endpoint's new place in one statement (one round trip, one
// transaction): the insert runs whether or not the place moves, as a data-modifying WITH
// always does. $13 endpoint, $14 owner, $15 the place reached (null: it stays), $16 lease ms.
const SETTLE: NamedStatement = {
  name: 'webhook_settle',
  text: `WITH recorded AS (${INSERT_DELIVERIES})
  UPDATE integration_webhooks SET position = $15::bigint, attempts = 0, failing_since = NULL,
    next_attempt_at = NULL,
    lease_until = now() + make_interval(secs => $16::double precision / 1000)
  WHERE id = $13::uuid AND lease_owner = $14::uuid AND $15::bigint IS NOT NULL`,
};

/** Webhook endpoints and attempts in PostgreSQL, every query scoped to its tenant. */
@Injectable()
export class PostgresWebhookStore extends WebhookStore {
  constructor(@Inject(Database) private readonly database: Database) {
    super();
  }

  /**
   * A statement of the dispatcher, as the worker role: under `tenant` for anything of one
   * endpoint, where the tenant policy lets it see and change that tenant's rows only; under no
   * tenant for the two functions that schedule across tenants (see the migration
   * `WebhookWorkerPerTenant`), which is all the worker may do with another tenant's endpoints.
   */
  private asWorker<Row>(
    tenant: string | undefined,
    statement: Statement,
    values: readonly unknown[],
  ) {
    // One round trip: the role and the tenant travel with the statement.
    const scope: TenantScope =
      tenant === undefined ? { role: WORKER_ROLE } : { role: WORKER_ROLE, tenant };
    return runInTenantScope(scope, () => this.database.query<Row>(statement, values));
  }

  async create(webhook: NewWebhook): Promise<WebhookView> {
    const { rows } = await this.database.query<WebhookRow>(
      `INSERT INTO integration_webhooks (id, tenant_id, url, description, event_types, secret, position)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${WEBHOOK_COLUMNS}`,
      [
        webhook.id,
        webhook.tenant,
        webhook.url,
        webhook.description,
        webhook.types,
        webhook.secret,
        webhook.position,
      ],
    );
    return webhookView(endpointOf(one(rows)));
  }

  async list(tenant: string): Promise<WebhookView[]> {
    const { rows } = await this.database.query<WebhookRow>(
      `SELECT ${WEBHOOK_COLUMNS} FROM integration_webhooks WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenant],
    );
    return rows.map((row) => webhookView(endpointOf(row)));
  }

  async find(tenant: string, id: string): Promise<WebhookEndpoint | undefined> {
    const { rows } = await this.database.query<WebhookRow>(
      `SELECT ${WEBHOOK_COLUMNS} FROM integration_webhooks WHERE tenant_id = $1 AND id = $2`,
      [tenant, id],
    );
    const row = rows[0];
    return row && endpointOf(row);
  }

  async update(
    tenant: string,
    id: string,
    changes: WebhookChanges,
  ): Promise<WebhookView | undefined> {
    const { rows } = await this.database.query<WebhookRow>(
      `UPDATE integration_webhooks SET
         url = COALESCE($3, url),
         description = COALESCE($4, description),
         event_types = COALESCE($5::text[], event_types),
         enabled = COALESCE($6::boolean, enabled),
         disabled_reason = CASE WHEN $6::boolean IS NULL THEN disabled_reason
                                WHEN $6::boolean THEN NULL ELSE 'disabled by its owner' END,
         attempts = CASE WHEN $6::boolean THEN 0 ELSE attempts END,
         failing_since = CASE WHEN $6::boolean THEN NULL ELSE failing_since END,
         next_attempt_at = CASE WHEN $6::boolean THEN NULL ELSE next_attempt_at END,
         updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING ${WEBHOOK_COLUMNS}`,
      [
        tenant,
        id,
        changes.url ?? null,
        changes.description ?? null,
        changes.types ?? null,
        changes.enabled ?? null,
      ],
    );
    const row = rows[0];
    return row && webhookView(endpointOf(row));
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        'DELETE FROM integration_webhooks WHERE tenant_id = $1 AND id = $2',
        [tenant, id],
      );
      await tx.query(
        'DELETE FROM integration_webhook_deliveries WHERE tenant_id = $1 AND webhook_id = $2',
        [tenant, id],
      );
      return rowCount > 0;
    });
  }

  async setSecret(
    tenant: string,
    id: string,
    secret: string,
    overlapSeconds: number,
  ): Promise<Date | null | undefined> {
    // On the right-hand side `secret` is still the value being replaced.
    const { rows } = await this.database.query<{ until: Date | null }>(
      `UPDATE integration_webhooks SET secret = $3,
         previous_secret = CASE WHEN $4::int > 0 THEN secret END,
         previous_secret_until = CASE WHEN $4::int > 0
           THEN now() + make_interval(secs => $4::int) END,
         updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING previous_secret_until AS until`,
      [tenant, id, secret, overlapSeconds],
    );
    const row = rows[0];
    return row === undefined ? undefined : row.until;
  }

  async deliveries(tenant: string, id: string, limit: number): Promise<DeliveryView[]> {
    const { rows } = await this.database.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM integration_webhook_deliveries
       WHERE tenant_id = $1 AND webhook_id = $2 ORDER BY seq DESC LIMIT $3`,
      [tenant, id, limit],
    );
    return rows.map(deliveryOf);
  }

  async delivery(
    tenant: string,
    id: string,
    deliveryId: string,
  ): Promise<DeliveryView | undefined> {
    const { rows } = await this.database.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM integration_webhook_deliveries
       WHERE tenant_id = $1 AND webhook_id = $2 AND id = $3`,
      [tenant, id, deliveryId],
    );
    const row = rows[0];
    return row && deliveryOf(row);
  }

  async recordDeliveries(deliveries: readonly NewDelivery[]): Promise<DeliveryView[]> {
    const recorded: DeliveryView[] = [];
    // Usually one endpoint's attempts, so one tenant and one statement.
    for (const [tenant, ofTenant] of groupBy(deliveries, (delivery) => delivery.tenant)) {
      recorded.push(...(await this.recordOf(tenant, ofTenant)));
    }
    return recorded;
  }

  private async recordOf(
    tenant: string,
    deliveries: readonly NewDelivery[],
  ): Promise<DeliveryView[]> {
    const { rows } = await this.asWorker<DeliveryRow>(tenant, RECORD, deliveryColumns(deliveries));
    return rows.map(deliveryOf);
  }

  async claimDue(
    owner: string,
    leaseMs: number,
    limit: number,
    skip: readonly string[],
  ): Promise<WebhookEndpoint[]> {
    const { rows: claimed } = await this.asWorker<{ webhook_id: string; webhook_tenant: string }>(
      undefined,
      `SELECT webhook_id, webhook_tenant
       FROM integration_webhooks_claim_due($1::uuid, $2::double precision, $3::int, $4::uuid[])`,
      [owner, leaseMs, limit, skip],
    );
    const endpoints: WebhookEndpoint[] = [];
    for (const [tenant, ofTenant] of groupBy(claimed, (row) => row.webhook_tenant)) {
      // Only while this owner still holds them: one deleted or leased away since is skipped.
      const { rows } = await this.asWorker<WebhookRow>(
        tenant,
        `SELECT ${WEBHOOK_COLUMNS} FROM integration_webhooks
         WHERE id = ANY($1::uuid[]) AND lease_owner = $2::uuid ORDER BY id`,
        [ofTenant.map((row) => row.webhook_id), owner],
      );
      endpoints.push(...rows.map(endpointOf));
    }
    return endpoints;
  }

  async settle(
    tenant: string,
    id: string,
    owner: string,
    attempts: readonly NewDelivery[],
    reached: number | undefined,
    leaseMs: number,
  ): Promise<boolean> {
    const { rowCount } = await this.asWorker(tenant, SETTLE, [
      ...deliveryColumns(attempts),
      id,
      owner,
      reached ?? null,
      leaseMs,
    ]);
    return rowCount > 0;
  }

  async failed(
    tenant: string,
    id: string,
    owner: string,
    failure: { attempts: number; failingSince: Date; retryAt: Date; disabledReason?: string },
  ): Promise<void> {
    await this.asWorker(
      tenant,
      `UPDATE integration_webhooks SET attempts = $3, failing_since = $4::timestamptz, next_attempt_at = $5::timestamptz,
         enabled = enabled AND $6::text IS NULL, disabled_reason = COALESCE($6, disabled_reason),
         lease_owner = NULL, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND lease_owner = $2`,
      [
        id,
        owner,
        failure.attempts,
        failure.failingSince,
        failure.retryAt,
        failure.disabledReason ?? null,
      ],
    );
  }

  async places(): Promise<WebhookPlace[]> {
    const { rows } = await this.asWorker<{
      webhook_id: string;
      webhook_tenant: string;
      is_enabled: boolean;
      is_failing: boolean;
      place: string;
    }>(undefined, 'SELECT * FROM integration_webhook_places()', []);
    return rows.map((row) => ({
      id: row.webhook_id,
      tenant: row.webhook_tenant,
      enabled: row.is_enabled,
      failing: row.is_failing,
      position: Number(row.place),
    }));
  }

  async renew(tenant: string, id: string, owner: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.asWorker(
      tenant,
      `UPDATE integration_webhooks
       SET lease_until = now() + make_interval(secs => $3::double precision / 1000)
       WHERE id = $1 AND lease_owner = $2`,
      [id, owner, leaseMs],
    );
    return rowCount > 0;
  }

  async release(tenant: string, id: string, owner: string): Promise<void> {
    await this.asWorker(
      tenant,
      `UPDATE integration_webhooks SET lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND lease_owner = $2`,
      [id, owner],
    );
  }
}

/** The attempts as one array per column, the parameters $1..$12 of `INSERT_DELIVERIES`. */
function deliveryColumns(deliveries: readonly NewDelivery[]): unknown[][] {
  const column = <K extends keyof NewDelivery>(key: K) => deliveries.map((d) => d[key]);
  return [
    column('id'),
    column('webhookId'),
    column('tenant'),
    column('eventId'),
    column('eventPosition'),
    column('eventType'),
    column('attempt'),
    column('redelivery'),
    column('outcome'),
    column('statusCode'),
    column('durationMs'),
    column('error'),
  ];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function one<T>(rows: T[]): T {
  const row = rows[0];
  if (!row) throw new Error('The statement returned no row.');
  return row;
}

function endpointOf(row: WebhookRow): WebhookEndpoint {
  return {
    id: row.id,
    tenant: row.tenant_id,
    url: row.url,
    description: row.description,
    types: row.event_types,
    secret: row.secret,
    previousSecret: row.previous_secret,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    position: Number(row.position),
    attempts: row.attempts,
    failingSince: row.failing_since?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function deliveryOf(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    eventId: row.event_id,
    eventPosition: Number(row.event_position),
    eventType: row.event_type,
    attempt: row.attempt,
    redelivery: row.redelivery,
    outcome: row.outcome,
    statusCode: row.status_code,
    durationMs: row.duration_ms,
    error: row.error,
    attemptedAt: row.attempted_at.toISOString(),
  };
}
