import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import request from 'supertest';
import type { Response } from 'supertest';
import { SCOPES } from '../src/auth/scopes';
import type { Scope } from '../src/auth/scopes';
import { startTestApp } from './support/app';

/**
 * Property-based: random sequences of requests by two tenants with random scopes, over every
 * operation on tenant data. Never a 5xx; a credential without the scope is refused; a tenant's
 * answers never carry an id of the other tenant's, and its answers about the other tenant's ids
 * equal those about ids that never existed. `npm test` runs a fixed seed; `npm run fuzz` more.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const SECRET = 'a-secret-for-tenant-fuzzing-long-enough!';

jest.setTimeout(Math.max(120_000, RUNS * 2_000));

type Operation = { method: 'get' | 'post' | 'patch' | 'delete'; path: string; scope: Scope };

/** The operations on tenant data, each with its scope; checked against the document below. */
const CREATE: Operation = { method: 'post', path: '/todos', scope: 'todos:write' };
const OPERATIONS: Operation[] = [
  CREATE,
  { method: 'get', path: '/todos', scope: 'todos:read' },
  { method: 'get', path: '/todos/{id}', scope: 'todos:read' },
  { method: 'patch', path: '/todos/{id}', scope: 'todos:write' },
  { method: 'delete', path: '/todos/{id}', scope: 'todos:write' },
  { method: 'get', path: '/todos/{id}/events', scope: 'todos:read' },
  { method: 'post', path: '/todos/{id}/complete', scope: 'todos:write' },
  { method: 'post', path: '/todos/{id}/reopen', scope: 'todos:write' },
  { method: 'post', path: '/lists', scope: 'lists:write' },
  { method: 'get', path: '/lists', scope: 'lists:read' },
  { method: 'get', path: '/lists/{id}', scope: 'lists:read' },
  { method: 'patch', path: '/lists/{id}', scope: 'lists:write' },
  { method: 'post', path: '/lists/{id}/todos', scope: 'lists:write' },
  { method: 'delete', path: '/lists/{id}/todos/{todoId}', scope: 'lists:write' },
  { method: 'post', path: '/lists/{id}/archive', scope: 'lists:write' },
  { method: 'get', path: '/activity/daily', scope: 'activity:read' },
  { method: 'get', path: '/activity/feed', scope: 'activity:read' },
  { method: 'get', path: '/events', scope: 'events:read' },
  { method: 'get', path: '/events/stream', scope: 'events:read' },
  { method: 'get', path: '/admin/status', scope: 'admin:read' },
  { method: 'get', path: '/webhooks', scope: 'webhooks:manage' },
  { method: 'post', path: '/webhooks', scope: 'webhooks:manage' },
  { method: 'get', path: '/webhooks/{id}', scope: 'webhooks:manage' },
  { method: 'patch', path: '/webhooks/{id}', scope: 'webhooks:manage' },
  { method: 'delete', path: '/webhooks/{id}', scope: 'webhooks:manage' },
  { method: 'post', path: '/webhooks/{id}/rotate-secret', scope: 'webhooks:manage' },
  { method: 'get', path: '/webhooks/{id}/deliveries', scope: 'webhooks:manage' },
  {
    method: 'post',
    path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    scope: 'webhooks:manage',
  },
];

type Step = {
  tenant: 0 | 1;
  scopes: Scope[] | undefined;
  operation: Operation;
  target: 'own' | 'other' | 'never';
  title: string;
  idempotencyKey: string | undefined;
};

const step = fc.record<Step>({
  tenant: fc.constantFrom(0 as const, 1 as const),
  scopes: fc.option(fc.subarray([...SCOPES]), { nil: undefined }),
  operation: fc.constantFrom(...OPERATIONS),
  target: fc.constantFrom('own' as const, 'other' as const, 'never' as const),
  title: fc.string({ minLength: 1, maxLength: 20 }),
  idempotencyKey: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
});

describe('Tenants × scopes fuzzing (e2e)', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await startTestApp({ auth: { jwtSecret: SECRET, apiKeys: [] } });
  });

  afterAll(() => app?.close());

  it('lists the same operations on tenant data as the API document', async () => {
    const document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { 'x-required-scopes'?: string[] }>>;
    };
    const documented = Object.entries(document.paths)
      .filter(([path]) => !/^\/(health\/|metrics$|docs)/.test(path))
      .flatMap(([path, item]) =>
        Object.entries(item).map(
          ([method, op]) => `${method} ${path} ${String(op['x-required-scopes'])}`,
        ),
      );
    expect(documented.sort()).toEqual(
      OPERATIONS.map((op) => `${op.method} ${op.path} ${op.scope}`).sort(),
    );
  });

  it('never answers 5xx, enforces scopes, and leaks nothing across tenants', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        // Fresh tenants per case: each starts with one todo of its own.
        const tenants = [`fz-${randomUUID().slice(0, 12)}`, `fz-${randomUUID().slice(0, 12)}`];
        const ids: [Set<string>, Set<string>] = [new Set(), new Set()];
        const seeds: string[] = [];
        for (const index of [0, 1] as const) {
          const created = await send(index, undefined, CREATE, undefined, 'seed');
          const id = (created.body as { id: string }).id;
          seeds.push(id);
          ids[index].add(id);
        }

        async function send(
          tenant: 0 | 1,
          scopes: Scope[] | undefined,
          operation: Operation,
          id: string | undefined,
          title: string,
          idempotencyKey?: string,
        ): Promise<Response> {
          const token = await new SignJWT({
            tenant_id: tenants[tenant],
            ...(scopes === undefined ? {} : { scope: scopes.join(' ') }),
          })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject(`user-${tenant}`)
            .setIssuedAt()
            .setExpirationTime('5m')
            .sign(new TextEncoder().encode(SECRET));
          let test = request(app.getHttpServer())
            [operation.method](operation.path.replace('{id}', id ?? randomUUID()))
            .set('Authorization', `Bearer ${token}`);
          if (idempotencyKey !== undefined) test = test.set('Idempotency-Key', idempotencyKey);
          // An event stream that passed the checks would stay open: resume it from a position
          // no tenant has, so that it answers (400) once it has got that far.
          if (operation.path === '/events/stream')
            test = test.set('Last-Event-ID', '9007199254740991');
          return operation.method === 'post' || operation.method === 'patch'
            ? test.send({ title })
            : test;
        }

        for (const { tenant, scopes, operation, target, title, idempotencyKey } of steps) {
          const other = (1 - tenant) as 0 | 1;
          const id =
            target === 'own' ? seeds[tenant] : target === 'other' ? seeds[other] : randomUUID();
          const response = await send(tenant, scopes, operation, id, title, idempotencyKey);
          expect(response.status).toBeLessThan(500);
          if (scopes !== undefined && !scopes.includes(operation.scope)) {
            expect(response.status).toBe(403);
            continue;
          }
          if (response.status === 201) ids[tenant].add((response.body as { id: string }).id);
          // Nothing of the other tenant's in the answer, except the id the request named.
          for (const foreign of ids[other]) {
            if (target === 'other' && foreign === id) continue;
            expect(response.text).not.toContain(foreign);
          }
          if (target === 'other' && operation.path.includes('{id}') && id !== undefined) {
            const never = randomUUID();
            const control = await send(tenant, scopes, operation, never, title, idempotencyKey);
            expect(response.status).toBe(control.status);
            expect(response.text.split(id).join('<id>')).toBe(
              control.text.split(never).join('<id>'),
            );
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
