import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { expectProblem } from './support/problem';
import { memoryLogger } from './support/memory-log';
import { startTestApp } from './support/app';
import { databaseOf } from './support/database';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const API_KEY = 'test-api-key-0123456789abcdef';
const AUDIENCE = 'todo-api';
const ISSUER = 'https://issuer.test';

/** Routes that stay open when authentication is on. */
const PUBLIC_PATH = /^\/(health\/|metrics$|docs)/;

const token = (
  claims: { sub?: string; aud?: string; iss?: string; exp?: string },
  key = SECRET,
) => {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  jwt.setAudience(claims.aud ?? AUDIENCE).setIssuer(claims.iss ?? ISSUER);
  jwt.setExpirationTime(claims.exp ?? '5m');
  return jwt.sign(new TextEncoder().encode(key));
};

describe('Authentication (e2e)', () => {
  describe('with a JWT secret and an API key configured', () => {
    let app: NestExpressApplication;
    let http: ReturnType<NestExpressApplication['getHttpServer']>;

    beforeAll(async () => {
      app = await startTestApp({
        auth: { jwtSecret: SECRET, audience: AUDIENCE, issuer: ISSUER, apiKeys: [API_KEY] },
      });
      http = app.getHttpServer();
    });
    afterAll(() => app.close());

    it('answers 401 problem+json with WWW-Authenticate on every documented route without credentials', async () => {
      const document = (await request(http).get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({ method, path })),
      );
      const closed = operations.filter((operation) => !PUBLIC_PATH.test(operation.path));
      expect(closed.length).toBeGreaterThanOrEqual(5);
      for (const { method, path } of operations) {
        const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
        const response = await request(http)
          [method as 'get' | 'post' | 'patch' | 'put' | 'delete'](url)
          .send(method === 'get' ? undefined : { title: 'no credentials' });
        if (PUBLIC_PATH.test(path)) {
          expect({ path, status: response.status }).toEqual({ path, status: 200 });
          continue;
        }
        expectProblem(response, 401, 'unauthorized');
        expect(response.headers['www-authenticate']).toBe(
          'Bearer realm="todo-service", ApiKey realm="todo-service"',
        );
      }
    });

    it('documents every route the server has, so none can be open without this test seeing it', () => {
      type Layer = { route?: { path: string; methods: Record<string, boolean> } };
      const router = (app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router;
      const served = router.stack
        .filter((layer) => layer.route !== undefined)
        .map((layer) => layer.route!.path.replace(/:(\w+)/g, '{$1}'));
      expect(served).toEqual(expect.arrayContaining(['/todos', '/todos/{id}', '/metrics']));
      return request(http)
        .get('/docs-json')
        .then((response) => {
          const documented = Object.keys((response.body as { paths: object }).paths);
          const undocumented = served.filter(
            (path) => !documented.includes(path) && !PUBLIC_PATH.test(path),
          );
          expect(undocumented).toEqual([]);
        });
    });

    it('keeps health, metrics and docs open', async () => {
      await request(http).get('/health/live').expect(200);
      await request(http).get('/health/ready').expect(200);
      await request(http).get('/metrics').expect(200);
      await request(http).get('/docs-json').expect(200);
    });

    it('accepts an API key and a valid JWT, and records the acting subject in the events', async () => {
      const byKey = await request(http)
        .post('/todos')
        .set('X-API-Key', API_KEY)
        .send({ title: 'by key' })
        .expect(201);
      const byJwt = await request(http)
        .post('/todos')
        .set('Authorization', `Bearer ${await token({ sub: 'alice' })}`)
        .set('X-Request-Id', 'auth-test-request')
        .send({ title: 'by jwt' })
        .expect(201);

      const metadataOf = async (id: string) =>
        (
          await databaseOf(app).rows<{ metadata: Record<string, unknown> }>(
            'SELECT metadata FROM events WHERE aggregate_id = $1',
            [id],
          )
        )[0]?.metadata;
      expect(await metadataOf((byKey.body as { id: string }).id)).toMatchObject({
        subject: 'api-key:1',
      });
      expect(await metadataOf((byJwt.body as { id: string }).id)).toMatchObject({
        subject: 'jwt:alice',
        requestId: 'auth-test-request',
        command: 'CreateTodo',
      });
    });

    it.each([
      ['a wrong API key', { 'X-API-Key': 'not-the-right-key-000000' }],
      ['a malformed bearer token', { Authorization: 'Bearer not.a.jwt' }],
      ['a Basic credential', { Authorization: 'Basic dXNlcjpwYXNz' }],
    ])('refuses %s with 401', async (_name, headers) => {
      const response = await request(http).get('/todos').set(headers);
      expectProblem(response, 401, 'unauthorized');
    });

    it.each([
      ['another audience', () => token({ sub: 'alice', aud: 'other-api' })],
      ['another issuer', () => token({ sub: 'alice', iss: 'https://elsewhere.test' })],
      ['an expired token', () => token({ sub: 'alice', exp: '-1h' })],
      ['another secret', () => token({ sub: 'alice' }, 'another-secret-that-is-long-enough-too')],
      ['no subject', () => token({})],
    ])('refuses a JWT with %s with 401', async (_name, make) => {
      const response = await request(http)
        .get('/todos')
        .set('Authorization', `Bearer ${await make()}`);
      expectProblem(response, 401, 'unauthorized');
    });
  });

  describe('with a JWKS URL', () => {
    let jwks: Server;
    let app: NestExpressApplication;
    let privateKey: PrivateKey;

    beforeAll(async () => {
      const pair = await generateKeyPair('RS256');
      privateKey = pair.privateKey;
      const jwk = {
        ...(await exportJWK(pair.publicKey)),
        kid: 'test-key',
        alg: 'RS256',
        use: 'sig',
      };
      jwks = createServer((_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      const { port } = jwks.address() as AddressInfo;
      app = await startTestApp({
        auth: {
          jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
          audience: AUDIENCE,
          apiKeys: [],
        },
      });
    });
    afterAll(async () => {
      await app?.close();
      await new Promise((resolve) => jwks?.close(resolve));
    });

    it('accepts a token signed by a key of the set and refuses one signed by another key', async () => {
      const sign = (key: PrivateKey) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
          .setSubject('bob')
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(key);
      await request(app.getHttpServer())
        .get('/todos')
        .set('Authorization', `Bearer ${await sign(privateKey)}`)
        .expect(200);
      const stranger = (await generateKeyPair('RS256')).privateKey;
      const refused = await request(app.getHttpServer())
        .get('/todos')
        .set('Authorization', `Bearer ${await sign(stranger)}`);
      expectProblem(refused, 401, 'unauthorized');
    });
  });

  it('runs open when nothing is configured, and says so in the start-up log', async () => {
    const log = memoryLogger('info');
    const app = await startTestApp({ logger: log.logger });
    try {
      await request(app.getHttpServer()).get('/todos').expect(200);
      await log.waitFor((line) => /^Authentication off/.test(String(line.msg)));
    } finally {
      await app.close();
    }
  });
});
