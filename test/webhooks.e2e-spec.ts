import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { ProjectionAdmin } from '../src/event-store';
import { createScratchDatabase, databaseOf } from './support/database';
import type { TestDatabase } from './support/database';
import { waitFor } from './support/wait-for';
import { startReceiver } from './support/webhook-receiver';
import type { Received } from './support/webhook-receiver';

jest.setTimeout(120_000);

type Created = { id: string; secret: string; url: string; enabled: boolean };
type Delivery = {
  id: string;
  eventId: string;
  outcome: string;
  statusCode: number | null;
  error: string | null;
  attempt: number;
  redelivery: boolean;
};

describe('Webhooks (e2e, the app on a database of its own)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;
  let database: TestDatabase;
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase('webhooks');
    app = await createApp({
      database: { url: scratch.url, poolSize: 10, connectionTimeoutMs: 10_000, migrate: true },
      subscriptions: { pollIntervalMs: 50 },
      logger: ['fatal'],
      integration: {
        webhooks: {
          retryForSeconds: 3600,
          allowHttp: true,
          allowPrivateNetworks: true,
          timeoutMs: 2000,
          pollIntervalMs: 50,
          secretOverlapSeconds: 3600,
        },
      },
    });
    await app.init();
    http = app.getHttpServer();
    database = databaseOf(app);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await scratch?.drop();
  });

  const receiver = async (answer?: Parameters<typeof startReceiver>[0]) => {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  };

  const register = async (url: string, extra: Record<string, unknown> = {}) => {
    const response = await request(http)
      .post('/webhooks')
      .send({ url, ...extra })
      .expect(201);
    return response.body as Created;
  };

  const createTodo = async (title = `Hook ${randomUUID()}`) => {
    const response = await request(http).post('/todos').send({ title }).expect(201);
    return (response.body as { id: string }).id;
  };

  const deliveriesOf = async (id: string) =>
    (
      (await request(http).get(`/webhooks/${id}/deliveries`).expect(200)).body as {
        items: Delivery[];
      }
    ).items;

  it('manages endpoints: secret shown once, list, get, change, rotate, delete', async () => {
    const created = await register('http://127.0.0.1:9/hook', {
      types: ['TodoCreated'],
      description: 'CRUD',
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const list = (await request(http).get('/webhooks').expect(200)).body as { items: object[] };
    expect(list.items).toContainEqual(expect.objectContaining({ id: created.id }));
    expect(JSON.stringify(list)).not.toContain(created.secret);

    const got = await request(http).get(`/webhooks/${created.id}`).expect(200);
    expect(got.body).toMatchObject({
      id: created.id,
      types: ['TodoCreated'],
      description: 'CRUD',
      enabled: true,
      disabledReason: null,
    });
    expect(got.body).not.toHaveProperty('secret');

    const changed = await request(http)
      .patch(`/webhooks/${created.id}`)
      .send({ description: 'changed', enabled: false })
      .expect(200);
    expect(changed.body).toMatchObject({ description: 'changed', enabled: false });

    const rotated = await request(http).post(`/webhooks/${created.id}/rotate-secret`).expect(200);
    expect((rotated.body as { secret: string }).secret).not.toBe(created.secret);

    await request(http).delete(`/webhooks/${created.id}`).expect(204);
    const gone = await request(http).get(`/webhooks/${created.id}`).expect(404);
    expect((gone.body as { type: string }).type).toBe('urn:todo-service:problem:webhook-not-found');
    await request(http).get('/webhooks/not-a-uuid').expect(400);
    await request(http).post('/webhooks').send({ url: 42 }).expect(400);
    await request(http).post('/webhooks').send({ url: 'ftp://example.com/' }).expect(400);
  });

  it('signs with the replaced secret too for the overlap after a rotation, then no more', async () => {
    const hook = await receiver();
    const created = await register(hook.url, { types: ['TodoCreated'] });
    const rotation = await request(http).post(`/webhooks/${created.id}/rotate-secret`).expect(200);
    const rotated = rotation.body as { secret: string; previousSecretValidUntil: string };
    const overlap = Date.parse(rotated.previousSecretValidUntil) - Date.now();
    expect(overlap).toBeGreaterThan(3_500_000);
    expect(overlap).toBeLessThanOrEqual(3_600_000);
    // A receiver holding only one of the two secrets, verifying with the standardwebhooks package.
    const verifiesWith = (secret: string, received: Received) => {
      try {
        new Webhook(secret).verify(received.payload, received.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    };
    const deliveryOf = (todo: string) =>
      waitFor('the delivery', () => hook.received.find((r) => r.body.subject === todo));

    const during = await deliveryOf(await createTodo('During the overlap'));
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifiesWith(created.secret, during)).toBe(true);
    expect(verifiesWith(rotated.secret, during)).toBe(true);

    await database.asOwner(
      `UPDATE integration_webhooks SET previous_secret_until = now() - interval '1 second'
       WHERE id = $1`,
      [created.id],
    );
    // The endpoint is read when it is leased: let the lease taken before the change end.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await deliveryOf(await createTodo('After the overlap'));
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifiesWith(rotated.secret, after)).toBe(true);
    expect(verifiesWith(created.secret, after)).toBe(false);
  });

  it('delivers signed CloudEvents in order, verified with the standardwebhooks package', async () => {
    const hook = await receiver();
    const created = await register(hook.url);
    hook.trust(created.secret);
    const id = await createTodo('Signed');
    await request(http).post(`/todos/${id}/complete`).expect(200);

    const mine = await waitFor('two deliveries', () => {
      const found = hook.received.filter((r) => r.body.subject === id);
      return found.length === 2 ? found : undefined;
    });
    expect(mine.map((r) => [r.body.type, r.body.sequence, r.verified])).toEqual([
      ['TodoCreated', 1, true],
      ['TodoCompleted', 2, true],
    ]);
    const first = mine[0];
    expect(first?.body).toMatchObject({
      specversion: '1.0',
      source: '/todo-service/default/todo',
      subject: id,
      streamtype: 'todo',
      tenant: 'default',
      data: expect.objectContaining({ title: 'Signed' }) as object,
    });
    expect(first?.id).toBe(first?.body.id);
    expect(first?.headers['content-type']).toContain('application/cloudevents+json');

    const attempts = await waitFor('two attempts logged', async () => {
      const items = await deliveriesOf(created.id);
      return items.length >= 2 ? items : undefined;
    });
    expect(attempts.every((a) => a.outcome === 'delivered' && a.statusCode === 204)).toBe(true);

    // Redeliver: the same event, the same webhook-id, again.
    const redelivered = await request(http)
      .post(`/webhooks/${created.id}/deliveries/${attempts[0]?.id}/redeliver`)
      .expect(200);
    expect(redelivered.body).toMatchObject({ redelivery: true, outcome: 'delivered' });
    expect(hook.received.filter((r) => r.id === attempts[0]?.eventId)).toHaveLength(2);
    await request(http)
      .post(`/webhooks/${created.id}/deliveries/${randomUUID()}/redeliver`)
      .expect(404);

    // Operators see it with its place in the log, and the deliveries in the metrics.
    const readers = await app.get(ProjectionAdmin).status();
    expect(readers).toContainEqual(
      expect.objectContaining({ name: `webhook ${created.id}`, kind: 'webhook', state: 'running' }),
    );
    const metrics = (await request(http).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    expect(metrics).toContain(
      `log_reader_lag_events{reader="webhook ${created.id}",kind="webhook"}`,
    );
    expect(metrics).toMatch(/log_reader_lag_seconds\{reader="activity",kind="subscription"\}/);
    expect(metrics).toContain('webhook_delivery_duration_seconds_bucket');
  });

  it('a receiver that answers 500 and then recovers gets everything, in order', async () => {
    const hook = await receiver((count) => (count <= 2 ? 500 : 200));
    const created = await register(hook.url);
    hook.trust(created.secret);
    const id = await createTodo();
    await request(http).post(`/todos/${id}/complete`).expect(200);
    await request(http).post(`/todos/${id}/reopen`).expect(200);

    const mine = await waitFor('three deliveries after recovery', () => {
      const found = hook.received.filter((r) => r.body.subject === id);
      return found.length >= 3 ? found : undefined;
    });
    expect(mine.map((r) => r.body.sequence)).toEqual([1, 2, 3]);
    expect(mine.every((r) => r.verified)).toBe(true);
    const attempts = await deliveriesOf(created.id);
    expect(attempts.filter((a) => a.outcome === 'failed')).toHaveLength(2);
    expect(attempts.find((a) => a.outcome === 'failed')?.error).toContain('HTTP 500');
    // The endpoint's failure mark is cleared when the delivery's outcome is recorded, which may
    // come just after the receiver has answered.
    await waitFor('the failure mark cleared after recovery', async () => {
      const again = (await request(http).get(`/webhooks/${created.id}`).expect(200)).body as {
        failingSince: string | null;
      };
      return again.failingSince === null ? true : undefined;
    });
  });

  it('a receiver that hangs does not hold back the others', async () => {
    const stuck = await receiver(() => 'hang');
    const fine = await receiver();
    const slow = await register(stuck.url);
    const fast = await register(fine.url);
    fine.trust(fast.secret);
    const ids = [await createTodo(), await createTodo(), await createTodo()];
    await waitFor('every event at the healthy receiver', () =>
      ids.every((id) => fine.received.some((r) => r.body.subject === id)),
    );
    // The hanging receiver still has its first request open (or timed out): nothing delivered.
    const slowAttempts = await deliveriesOf(slow.id);
    expect(slowAttempts.every((a) => a.outcome === 'failed')).toBe(true);
    expect(stuck.received).toHaveLength(0);
    await request(http).delete(`/webhooks/${slow.id}`).expect(204);
  });

  it('disables an endpoint that fails past WEBHOOK_RETRY_FOR, says why, and re-enables it', async () => {
    let healthy = false;
    const hook = await receiver(() => (healthy ? 200 : 500));
    const created = await register(hook.url);
    hook.trust(created.secret);
    const id = await createTodo();
    await waitFor('a first failure', async () => (await deliveriesOf(created.id)).length > 0);
    // As if it had been failing for two hours (the retry window is one hour).
    await database.query(
      `UPDATE integration_webhooks SET failing_since = now() - interval '2 hours',
         next_attempt_at = now() WHERE id = $1`,
      [created.id],
    );
    const disabled = await waitFor('the endpoint disabled', async () => {
      const body = (await request(http).get(`/webhooks/${created.id}`).expect(200)).body as {
        enabled: boolean;
        disabledReason: string | null;
      };
      return body.enabled ? undefined : body;
    });
    expect(disabled.disabledReason).toContain('HTTP 500');

    healthy = true;
    await request(http).patch(`/webhooks/${created.id}`).send({ enabled: true }).expect(200);
    await waitFor('the event after re-enabling', () =>
      hook.received.some((r) => r.body.subject === id),
    );
  });

  it('with a transaction holding a lower position, delivers it first and skips nothing', async () => {
    const hook = await receiver();
    const created = await register(hook.url);
    hook.trust(created.secret);
    const held = new Client({ connectionString: scratch.url });
    await held.connect();
    try {
      const slow = randomUUID();
      await held.query('BEGIN');
      await held.query(
        `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload, metadata)
         VALUES ('default', $1, 1, 'todo', 'TodoCreated', $2, '{}')`,
        [slow, { todoId: slow, title: 'held', createdAt: new Date().toISOString() }],
      );
      const fast = [await createTodo(), await createTodo()];
      for (const id of fast) await request(http).post(`/todos/${id}/complete`).expect(200);
      await held.query(
        `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload, metadata)
         VALUES ('default', $1, 2, 'todo', 'TodoCompleted', $2, '{}')`,
        [slow, { todoId: slow, completedAt: new Date().toISOString() }],
      );
      await held.query('COMMIT');
      const ours = new Set([slow, ...fast]);
      const got = await waitFor('all six events', () => {
        const found = hook.received.filter((r) => ours.has(r.body.subject));
        return found.length >= 6 ? found : undefined;
      });
      expect(got.slice(0, 2).map((r) => [r.body.subject, r.body.sequence])).toEqual([
        [slow, 1],
        [slow, 2],
      ]);
      for (const id of ours) {
        expect(got.filter((r) => r.body.subject === id).map((r) => r.body.sequence)).toEqual([
          1, 2,
        ]);
      }
    } finally {
      await held.query('ROLLBACK').catch(() => undefined);
      await held.end();
    }
  });

  describe('with private networks and http not allowed (the default)', () => {
    let strict: NestExpressApplication;

    beforeAll(async () => {
      strict = await createApp({
        database: { url: scratch.url, poolSize: 4, connectionTimeoutMs: 10_000, migrate: true },
        subscriptions: { enabled: false },
        logger: ['fatal'],
      });
      await strict.init();
    });

    afterAll(() => strict?.close());

    it.each([
      ['https://127.0.0.1/hook', 'loopback'],
      ['https://10.0.0.1/hook', 'private'],
      ['https://169.254.169.254/latest/meta-data', 'linkLocal'],
      ['https://[::1]/hook', 'loopback'],
      ['https://localhost/hook', 'loopback'],
      ['http://example.com/hook', 'only https'],
    ])('refuses %s', async (url, why) => {
      const response = await request(strict.getHttpServer())
        .post('/webhooks')
        .send({ url })
        .expect(400);
      expect(response.body).toMatchObject({
        type: 'urn:todo-service:problem:webhook-url-invalid',
        code: 'WEBHOOK_URL_INVALID',
      });
      expect((response.body as { reason: string }).reason).toContain(why);
    });
  });
});
