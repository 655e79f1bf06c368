import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { startTestApp } from '../../../../test/support/app';
import { runInTenantScope } from '../../../database/tenant-scope';
import { databaseOf } from '../../../../test/support/database';
import type { TestDatabase } from '../../../../test/support/database';
import { WebhookStore } from '../../application/webhooks/webhook';
import type { NewDelivery } from '../../application/webhooks/webhook';

jest.setTimeout(60_000);

describe('PostgresWebhookStore.settle: a batch of attempts and the new place, one statement', () => {
  let app: INestApplication;
  let store: WebhookStore;
  let database: TestDatabase;
  const tenant = `settle-${randomUUID()}`;
  const owner = randomUUID();
  const LEASE_MS = 30_000;

  beforeAll(async () => {
    // No dispatcher: the test holds the leases itself.
    app = await startTestApp({ subscriptions: { enabled: false } });
    store = app.get(WebhookStore);
    database = databaseOf(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  // The owner's reads and writes, as the API makes them: under the tenant.
  const asTenant = <T>(work: () => Promise<T>) => runInTenantScope({ tenant }, work);

  /** An endpoint at position 10, leased to `owner`, failing since a while. */
  async function leasedEndpoint(): Promise<string> {
    const id = randomUUID();
    await asTenant(() =>
      store.create({
        id,
        tenant,
        url: 'https://hooks.example.com/',
        description: '',
        types: [],
        secret: `whsec_${Buffer.from(randomUUID()).toString('base64')}`,
        position: 10,
      }),
    );
    await database.asOwner(
      `UPDATE integration_webhooks SET lease_owner = $2, lease_until = now() + interval '1 minute',
         attempts = 3, failing_since = now() - interval '1 minute' WHERE id = $1`,
      [id, owner],
    );
    return id;
  }

  const attempt = (webhookId: string, position: number, outcome = 'delivered') =>
    ({
      id: randomUUID(),
      webhookId,
      tenant,
      eventId: randomUUID(),
      eventPosition: position,
      eventType: 'TodoCreated',
      attempt: 1,
      redelivery: false,
      outcome,
      statusCode: outcome === 'delivered' ? 204 : 500,
      durationMs: 3,
      error: outcome === 'delivered' ? null : 'HTTP 500',
    }) as NewDelivery;

  const recorded = async (id: string) =>
    (await asTenant(() => store.deliveries(tenant, id, 50))).map((d) => [
      d.id,
      d.eventPosition,
      d.outcome,
    ]);

  it('records the attempts in order, moves the place and forgets the failures', async () => {
    const id = await leasedEndpoint();
    const attempts = [attempt(id, 11), attempt(id, 12), attempt(id, 14)];
    await expect(store.settle(tenant, id, owner, attempts, 15, LEASE_MS)).resolves.toBe(true);
    const endpoint = await asTenant(() => store.find(tenant, id));
    expect(endpoint).toMatchObject({ position: 15, attempts: 0, failingSince: null });
    // Newest first, as GET /webhooks/:id/deliveries lists them.
    expect(await recorded(id)).toEqual(
      [...attempts].reverse().map((a) => [a.id, a.eventPosition, 'delivered']),
    );
  });

  it('records the attempts but leaves the place when the lease went to another owner', async () => {
    const id = await leasedEndpoint();
    const attempts = [attempt(id, 11)];
    await expect(store.settle(tenant, id, randomUUID(), attempts, 11, LEASE_MS)).resolves.toBe(
      false,
    );
    expect(await asTenant(() => store.find(tenant, id))).toMatchObject({
      position: 10,
      attempts: 3,
    });
    expect(await recorded(id)).toEqual([[attempts[0]?.id, 11, 'delivered']]);
  });

  it('records a failed first attempt without moving the place', async () => {
    const id = await leasedEndpoint();
    const failed = attempt(id, 11, 'failed');
    await expect(store.settle(tenant, id, owner, [failed], undefined, LEASE_MS)).resolves.toBe(
      false,
    );
    expect(await asTenant(() => store.find(tenant, id))).toMatchObject({
      position: 10,
      attempts: 3,
    });
    expect(await recorded(id)).toEqual([[failed.id, 11, 'failed']]);
  });

  it('moves the place over events the endpoint does not take, with no attempt', async () => {
    const id = await leasedEndpoint();
    await expect(store.settle(tenant, id, owner, [], 20, LEASE_MS)).resolves.toBe(true);
    expect(await asTenant(() => store.find(tenant, id))).toMatchObject({
      position: 20,
      attempts: 0,
    });
    expect(await recorded(id)).toEqual([]);
  });

  it('does not move the place of a deleted endpoint', async () => {
    const id = await leasedEndpoint();
    await asTenant(() => store.delete(tenant, id));
    await expect(store.settle(tenant, id, owner, [], 20, LEASE_MS)).resolves.toBe(false);
  });
});
