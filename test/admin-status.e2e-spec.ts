import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { SCOPES } from '../src/auth/scopes';
import { DEFAULT_INTEGRATION_SETTINGS } from '../src/integration/application/integration-settings';
import { createScratchDatabase } from './support/database';
import { expectProblem } from './support/problem';

jest.setTimeout(120_000);

const SECRET = 'a-secret-for-admin-status-tests-long-enough!';

type Reader = {
  name: string;
  kind: string;
  state: string;
  lagEvents: number;
  lagSeconds: number;
  position?: number;
};

const token = (tenant: string, scopes: readonly string[]) =>
  new SignJWT({ tenant_id: tenant, scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`admin-of-${tenant}`)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));

/**
 * `GET /admin/status` on a database of its own, with subscriptions and deliveries stopped so
 * that every reader stays where it is: the lag each tenant sees is then exactly its own events.
 */
describe('GET /admin/status (e2e)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let app: NestExpressApplication;
  const tenantA = `acme-${randomUUID().slice(0, 8)}`;
  const tenantB = `globex-${randomUUID().slice(0, 8)}`;
  let hookOfA: string;
  let hookOfB: string;

  /** Requests with a token of `tenant` holding `scopes` (default: every scope). */
  const as = async (tenant: string, scopes: readonly string[] = SCOPES) => {
    const authorization = `Bearer ${await token(tenant, scopes)}`;
    const server = app.getHttpServer();
    return {
      get: (path: string) => request(server).get(path).set('Authorization', authorization),
      post: (path: string, body: object) =>
        request(server).post(path).set('Authorization', authorization).send(body),
    };
  };

  const status = async (tenant: string): Promise<Reader[]> => {
    const response = await (await as(tenant, ['admin:read'])).get('/admin/status').expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    return (response.body as { readers: Reader[] }).readers;
  };

  const createTodos = async (tenant: string, count: number) => {
    for (let i = 0; i < count; i++) {
      await (await as(tenant)).post('/todos', { title: `todo ${i} of ${tenant}` }).expect(201);
    }
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase('admin_status');
    app = await createApp({
      database: { url: scratch.url, poolSize: 5, connectionTimeoutMs: 10_000, migrate: true },
      subscriptions: { enabled: false },
      logger: ['fatal'],
      auth: { jwtSecret: SECRET, apiKeys: [] },
      integration: {
        webhooks: { ...DEFAULT_INTEGRATION_SETTINGS.webhooks, allowPrivateNetworks: true },
      },
      http: { rateLimit: { limit: 0, windowMs: 60_000 } },
    });
    await app.init();
    const register = async (tenant: string, url: string) => {
      const created = await (await as(tenant)).post('/webhooks', { url }).expect(201);
      return (created.body as { id: string }).id;
    };
    hookOfA = await register(tenantA, 'https://hooks.example.com/a');
    hookOfB = await register(tenantB, 'https://hooks.example.com/b');
    await createTodos(tenantA, 3);
    await createTodos(tenantB, 5);
  });

  afterAll(async () => {
    await app?.close();
    await scratch?.drop();
  });

  it('needs admin:read: every other scope together is refused, admin:read alone suffices', async () => {
    const others = SCOPES.filter((scope) => scope !== 'admin:read');
    const refused = await (await as(tenantA, others)).get('/admin/status').expect(403);
    expectProblem(refused, 403, 'insufficient-scope');
    expect(refused.headers['www-authenticate']).toContain('scope="admin:read"');
    await (await as(tenantA, ['admin:read'])).get('/admin/status').expect(200);
    await request(app.getHttpServer()).get('/admin/status').expect(401);
  });

  it("shows every subscription with the tenant's own lag, and no position in the shared log", async () => {
    const ofA = await status(tenantA);
    const ofB = await status(tenantB);
    const subscriptionsOfA = ofA.filter((reader) => reader.kind === 'subscription');
    expect(subscriptionsOfA.length).toBeGreaterThan(0);
    // The same readers for both tenants, each with its own events only: 3 of A's, 5 of B's.
    expect(ofB.filter((reader) => reader.kind === 'subscription').map((r) => r.name)).toEqual(
      subscriptionsOfA.map((reader) => reader.name),
    );
    for (const [readers, own] of [
      [ofA, 3],
      [ofB, 5],
    ] as const) {
      for (const reader of readers.filter((each) => each.kind === 'subscription')) {
        expect(reader).toEqual({
          name: reader.name,
          kind: 'subscription',
          state: 'not started',
          lagEvents: own,
          lagSeconds: expect.any(Number) as number,
        });
        expect(reader.lagSeconds).toBeGreaterThanOrEqual(0);
      }
      for (const reader of readers.filter((each) => each.kind === 'inline')) {
        expect(reader).toMatchObject({ state: 'running', lagEvents: 0, lagSeconds: 0 });
        expect(reader).not.toHaveProperty('position');
      }
    }
  });

  it("shows the tenant's webhook endpoints with their places, and none of another tenant's", async () => {
    const ofA = await status(tenantA);
    const ofB = await status(tenantB);
    const hooks = (readers: Reader[]) => readers.filter((reader) => reader.kind === 'webhook');
    expect(hooks(ofA)).toEqual([
      {
        name: `webhook ${hookOfA}`,
        kind: 'webhook',
        state: 'running',
        lagEvents: 3,
        lagSeconds: expect.any(Number) as number,
        position: expect.any(Number) as number,
      },
    ]);
    expect(hooks(ofB)).toEqual([
      expect.objectContaining({ name: `webhook ${hookOfB}`, lagEvents: 5 }),
    ]);
    expect(JSON.stringify(ofB)).not.toContain(hookOfA);
    expect(JSON.stringify(ofA)).not.toContain(hookOfB);
    // The place a webhook shows is the one GET /webhooks/:id shows its owner.
    const own = await (await as(tenantA)).get(`/webhooks/${hookOfA}`).expect(200);
    expect(hooks(ofA)[0]?.position).toBe((own.body as { position: number }).position);
  });

  it('a tenant with nothing yet sees the readers, with no lag and no webhook', async () => {
    const readers = await status(`new-${randomUUID().slice(0, 8)}`);
    expect(readers.length).toBeGreaterThan(0);
    for (const reader of readers) {
      expect(reader.kind).not.toBe('webhook');
      expect(reader).toMatchObject({ lagEvents: 0, lagSeconds: 0 });
    }
  });
});
