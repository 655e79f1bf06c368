import { createHash, randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import request from 'supertest';
import { SCOPES } from '../src/auth/scopes';
import { startTestApp } from './support/app';
import { expectProblem } from './support/problem';

const SECRET = 'a-secret-for-scope-tests-that-is-long-enough!';
const NOT_TENANT_DATA = /^\/(health\/|metrics$|docs)/;

type Operation = { method: string; path: string; scopes: string[] | undefined };

const token = (claims: JWTPayload) =>
  new SignJWT({ tenant_id: 'scopes', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('scoped')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));

/**
 * Every operation names the one scope it needs in the API document; that scope is necessary
 * (every other scope together is refused with 403 and the RFC 6750 challenge) and sufficient
 * (it alone passes the check), for tokens and for API keys.
 */
describe('Scopes (e2e)', () => {
  let app: NestExpressApplication;
  let strict: NestExpressApplication;
  let operations: Operation[];
  const keys = new Map(SCOPES.map((scope) => [scope, randomUUID() + randomUUID()]));

  const send = (target: NestExpressApplication, operation: Operation) => {
    const path = operation.path.replace('{id}', randomUUID());
    const test = request(target.getHttpServer())[
      operation.method as 'get' | 'post' | 'patch' | 'delete'
    ](path);
    // An event stream that passed the check would stay open: a position it refuses ends it.
    if (operation.path === '/events/stream') test.set('Last-Event-ID', '9007199254740991');
    return operation.method === 'post' || operation.method === 'patch'
      ? test.send({ title: 'scoped' })
      : test;
  };

  beforeAll(async () => {
    const auth = {
      jwtSecret: SECRET,
      apiKeys: [],
      apiKeyEntries: [...keys].map(([scope, key]) => ({
        name: `only-${scope.replace(':', '-')}`,
        tenant: 'scopes',
        scopes: [scope],
        sha256: createHash('sha256').update(key).digest('hex'),
      })),
    };
    app = await startTestApp({ auth });
    strict = await startTestApp({ auth: { ...auth, requireScopes: true } });
    const document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { 'x-required-scopes'?: string[] }>>;
    };
    operations = Object.entries(document.paths)
      .filter(([path]) => !NOT_TENANT_DATA.test(path))
      .flatMap(([path, item]) =>
        Object.entries(item).map(([method, operation]) => ({
          method,
          path,
          scopes: operation['x-required-scopes'],
        })),
      );
  });

  afterAll(async () => {
    await app?.close();
    await strict?.close();
  });

  it('documents exactly one known scope for every operation on tenant data', () => {
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const operation of operations) {
      expect([operation.method, operation.path, operation.scopes]).toEqual([
        operation.method,
        operation.path,
        [expect.stringMatching(new RegExp(`^(${SCOPES.join('|')})$`))],
      ]);
    }
  });

  it('refuses every operation to a token with every scope but its own: 403 and the challenge', async () => {
    for (const operation of operations) {
      const [needed] = operation.scopes ?? [];
      const others = SCOPES.filter((scope) => scope !== needed);
      for (const claims of [{ scope: others.join(' ') }, { scp: others }]) {
        const response = await send(app, operation).set(
          'Authorization',
          `Bearer ${await token(claims)}`,
        );
        expectProblem(response, 403, 'insufficient-scope');
        expect(response.headers['www-authenticate']).toBe(
          `Bearer realm="todo-service", error="insufficient_scope", scope="${needed}"`,
        );
      }
    }
  });

  it('lets a token with only the documented scope through the check', async () => {
    for (const operation of operations) {
      const [needed] = operation.scopes ?? [];
      const response = await send(app, operation).set(
        'Authorization',
        `Bearer ${await token({ scope: needed })}`,
      );
      expect([operation.method, operation.path, [401, 403].includes(response.status)]).toEqual([
        operation.method,
        operation.path,
        false,
      ]);
      expect(response.status).toBeLessThan(500);
    }
  });

  it("holds for API keys: a key's own scopes are necessary and sufficient", async () => {
    for (const operation of operations) {
      const [needed] = operation.scopes ?? [];
      for (const [scope, key] of keys) {
        const response = await send(app, operation).set('X-API-Key', key);
        if (scope === needed) {
          expect([401, 403]).not.toContain(response.status);
          expect(response.status).toBeLessThan(500);
        } else {
          expectProblem(response, 403, 'insufficient-scope');
        }
      }
    }
  });

  it('gives a token without a scope claim every scope, unless AUTH_REQUIRE_SCOPES is on', async () => {
    for (const operation of operations) {
      const bearer = `Bearer ${await token({})}`;
      const open = await send(app, operation).set('Authorization', bearer);
      expect([401, 403]).not.toContain(open.status);
      expectProblem(
        await send(strict, operation).set('Authorization', bearer),
        403,
        'insufficient-scope',
      );
    }
  });

  it('refuses a token that names no tenant with 403 tenant-required', async () => {
    const bearer = `Bearer ${await token({ tenant_id: undefined })}`;
    for (const operation of operations) {
      expectProblem(
        await send(app, operation).set('Authorization', bearer),
        403,
        'tenant-required',
      );
    }
  });
});
