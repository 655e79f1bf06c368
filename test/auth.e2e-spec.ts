import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWTPayload } from 'jose';
import request from 'supertest';
import { expectProblem } from './support/problem';
import { memoryLogger } from './support/memory-log';
import { startTestApp } from './support/app';
import { databaseOf } from './support/database';
import { sendUnfinishedRequest } from './support/unfinished-request';
import { JWKS_TIMEOUT_MS } from '../src/auth/authenticator';

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
  const jwt = new SignJWT({ tenant_id: 'default' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt();
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  jwt.setAudience(claims.aud ?? AUDIENCE).setIssuer(claims.iss ?? ISSUER);
  jwt.setExpirationTime(claims.exp ?? '5m');
  return jwt.sign(new TextEncoder().encode(key));
};

/** An HS256 token with exactly these claims (no defaults: a test leaves out what it wants). */
const signed = (payload: JWTPayload, key = SECRET) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key));

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: JWTPayload = {}): JWTPayload => ({
  sub: 'alice',
  tenant_id: 'default',
  aud: AUDIENCE,
  iss: ISSUER,
  iat: now(),
  exp: now() + 300,
  ...extra,
});

/** Another spelling of the same bytes: flips the unused low bit of the last base64url character. */
const respellLastCharacter = (segment: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(segment.at(-1)!);
  return segment.slice(0, -1) + alphabet[last ^ 1];
};

/** Variants of a valid token that a lenient base64url decoder would read as the same token. */
const nonCanonical = (jwt: string): [string, string][] => {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  return [
    ['padding appended to the signature', `${jwt}=`],
    ['two padding characters appended', `${jwt}==`],
    ['padding appended to the payload', `${header}.${payload}=.${signature}`],
    ['unused bits of the signature set', `${header}.${payload}.${respellLastCharacter(signature)}`],
    [
      'the signature in standard base64',
      `${header}.${payload}.${Buffer.from(signature, 'base64url').toString('base64')}`,
    ],
    ['a trailing dot', `${jwt}.`],
  ];
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

    it('answers 401 on an unknown path without credentials, and 404 only with them', async () => {
      for (const path of ['/no-such-route', '/todos/x/y/z', '/admin', '/docsx']) {
        const response = await request(http).get(path);
        expectProblem(response, 401, 'unauthorized');
      }
      const known = await request(http).get('/no-such-route').set('X-API-Key', API_KEY);
      expectProblem(known, 404, 'not-found');
    });

    it.each([
      ['no credentials', {}],
      ['a wrong API key', { 'X-API-Key': 'not-the-right-key-000000' }],
      ['a token with padding appended', { Authorization: 'Bearer a.b.c=' }],
    ])(
      'refuses %s before reading the body, and closes the connection',
      async (_name, headers: Record<string, string>) => {
        for (const path of ['/todos', '/no-such-route']) {
          const result = await sendUnfinishedRequest(http, { method: 'POST', path, headers });
          expect({ path, status: result.status, closed: result.closed }).toEqual({
            path,
            status: 401,
            closed: true,
          });
          expect(result.response).toMatch(/\r\nwww-authenticate: Bearer realm/i);
          expect(result.response).toMatch(/\r\nconnection: close\r\n/i);
        }
      },
    );

    it('keeps health, metrics and docs open', async () => {
      await request(http).get('/health/live').expect(200);
      await request(http).get('/health/ready').expect(200);
      await request(http).get('/metrics').expect(200);
      await request(http).get('/docs-json').expect(200);
      await request(http).get('/docs-yaml').expect(200);
      await request(http).get('/docs').expect(200);
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

    it.each([
      ['no expiry (exp)', () => signed(claims({ exp: undefined })), 'The token has no exp claim.'],
      [
        'an iat a minute in the future',
        () => signed(claims({ iat: now() + 60 })),
        "The token's iat claim is in the future.",
      ],
      [
        'an iat a year in the future',
        () => signed(claims({ iat: now() + 365 * 86_400, exp: now() + 400 * 86_400 })),
        "The token's iat claim is in the future.",
      ],
      [
        'a 257-character subject',
        () => signed(claims({ sub: 'a'.repeat(257) })),
        "The token's subject (sub) must be 1 to 256 printable characters.",
      ],
      [
        'a 5,000-character subject',
        () => signed(claims({ sub: 'a'.repeat(5000) })),
        "The token's subject (sub) must be 1 to 256 printable characters.",
      ],
      ...[
        'alice\nbob',
        'alice\r',
        'tab\there',
        'nul\u0000',
        'del\u007f',
        'c1\u0085',
        'rtl\u202eevil',
        'zero\u200bwidth',
        'line\u2028sep',
        ' \u2060',
        '   ',
        '\u3000',
      ].map((sub): [string, () => Promise<string>, string] => [
        `the subject ${JSON.stringify(sub)}`,
        () => signed(claims({ sub })),
        "The token's subject (sub) must be 1 to 256 printable characters.",
      ]),
    ])('refuses a JWT with %s with a clear 401', async (_name, make, detail) => {
      const response = await request(http)
        .post('/todos')
        .set('Authorization', `Bearer ${await make()}`)
        .send({ title: 'must not be stored' });
      expect(expectProblem(response, 401, 'unauthorized').detail).toBe(detail);
    });

    it('accepts an iat within the clock tolerance, and a 256-character printable subject', async () => {
      await request(http)
        .get('/todos')
        .set('Authorization', `Bearer ${await signed(claims({ iat: now() + 3 }))}`)
        .expect(200);
      const subject = 'ü-ñ 名前 '.repeat(32).slice(0, 256);
      const created = await request(http)
        .post('/todos')
        .set('Authorization', `Bearer ${await signed(claims({ sub: subject }))}`)
        .send({ title: 'long subject' })
        .expect(201);
      const [row] = await databaseOf(app).rows<{ metadata: { subject: string } }>(
        'SELECT metadata FROM events WHERE aggregate_id = $1',
        [(created.body as { id: string }).id],
      );
      expect(row?.metadata.subject).toBe(`jwt:${subject}`);
    });

    it('refuses every non-canonical spelling of a valid HS256 token', async () => {
      const jwt = await signed(claims());
      await request(http).get('/todos').set('Authorization', `Bearer ${jwt}`).expect(200);
      for (const [name, variant] of nonCanonical(jwt)) {
        const response = await request(http)
          .get('/todos')
          .set('Authorization', `Bearer ${variant}`);
        expect({ name, status: response.status }).toEqual({ name, status: 401 });
        expect(expectProblem(response, 401, 'unauthorized').detail).toBe('The token is not valid.');
      }
    });
  });

  describe('with a JWKS URL', () => {
    let jwks: Server;
    let app: NestExpressApplication;
    let privateKey: PrivateKey;
    let fetches = 0;

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
        fetches++;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      const { port } = jwks.address() as AddressInfo;
      app = await startTestApp({
        auth: {
          jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
          jwksAllowHttp: true,
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
        new SignJWT({ tenant_id: 'default' })
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

    const rs256 = (payload: JWTPayload) =>
      new SignJWT({ tenant_id: 'default', ...payload })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .sign(privateKey);

    it('refuses a token without exp, with a future iat, or with a bad subject', async () => {
      const refusals = [
        [rs256({ sub: 'bob', aud: AUDIENCE }), 'The token has no exp claim.'],
        [
          rs256({ sub: 'bob', aud: AUDIENCE, iat: now() + 3600, exp: now() + 7200 }),
          "The token's iat claim is in the future.",
        ],
        [
          rs256({ sub: 'bob\nforged', aud: AUDIENCE, exp: now() + 300 }),
          "The token's subject (sub) must be 1 to 256 printable characters.",
        ],
      ] as const;
      for (const [make, detail] of refusals) {
        const response = await request(app.getHttpServer())
          .get('/todos')
          .set('Authorization', `Bearer ${await make}`);
        expect(expectProblem(response, 401, 'unauthorized').detail).toBe(detail);
      }
    });

    it('refuses every non-canonical spelling of a valid RS256 token', async () => {
      const jwt = await rs256({ sub: 'bob', aud: AUDIENCE, exp: now() + 300 });
      await request(app.getHttpServer())
        .get('/todos')
        .set('Authorization', `Bearer ${jwt}`)
        .expect(200);
      for (const [name, variant] of nonCanonical(jwt)) {
        const response = await request(app.getHttpServer())
          .get('/todos')
          .set('Authorization', `Bearer ${variant}`);
        expect({ name, status: response.status }).toEqual({ name, status: 401 });
      }
    });

    it('fetches the key set once and serves later tokens from its cache', async () => {
      const bearer = async (sub: string) =>
        `Bearer ${await rs256({ sub, aud: AUDIENCE, exp: now() + 300 })}`;
      const http = app.getHttpServer();
      await request(http)
        .get('/todos')
        .set('Authorization', await bearer('warm-up'))
        .expect(200);
      const before = fetches;
      for (let i = 0; i < 5; i++) {
        await request(http)
          .get('/todos')
          .set('Authorization', await bearer(`user-${i}`))
          .expect(200);
      }
      expect(before).toBe(1);
      expect(fetches).toBe(before);
    });
  });

  describe('with a JWKS URL that does not answer', () => {
    it('gives up after the fetch timeout with 503 and Retry-After, not a hang or a 401', async () => {
      const sockets: Socket[] = [];
      const silent = createServer(() => undefined);
      silent.on('connection', (socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as AddressInfo;
      const log = memoryLogger('warn');
      const app = await startTestApp({
        logger: log.logger,
        auth: { jwksUrl: `http://127.0.0.1:${port}/jwks`, jwksAllowHttp: true, apiKeys: [] },
      });
      try {
        const { privateKey: key } = await generateKeyPair('RS256');
        const jwt = await new SignJWT({ sub: 'bob', tenant_id: 'default', exp: now() + 300 })
          .setProtectedHeader({ alg: 'RS256', kid: 'k' })
          .sign(key);
        const started = Date.now();
        const response = await request(app.getHttpServer())
          .get('/todos')
          .set('Authorization', `Bearer ${jwt}`);
        const elapsed = Date.now() - started;
        const problem = expectProblem(response, 503, 'service-unavailable');
        expect(problem.detail).toBe(
          'The keys that verify tokens cannot be fetched right now; try again shortly.',
        );
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        expect(elapsed).toBeGreaterThanOrEqual(JWKS_TIMEOUT_MS - 100);
        expect(elapsed).toBeLessThan(JWKS_TIMEOUT_MS + 2000);
        await log.waitFor((line) => /JSON Web Key Set could not be fetched/.test(String(line.msg)));
      } finally {
        await app.close();
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('refuses an http:// JWKS URL unless plain HTTP is allowed', async () => {
      await expect(
        startTestApp({ logger: false, auth: { jwksUrl: 'http://127.0.0.1:9/jwks', apiKeys: [] } }),
      ).rejects.toThrow('AUTH_JWKS_URL must be an https:// URL');
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

  // Every blank security setting is refused in config.spec.ts; these run the built service.
  describe('a security setting that is set but blank', () => {
    it.each([
      ['AUTH_API_KEYS', ' , '],
      ['AUTH_JWKS_URL', ' '],
    ])('%s=%j stops the start with one clear line', async (name, value) => {
      const run = promisify(execFile)(
        process.execPath,
        [path.resolve(__dirname, '../dist/main.js')],
        {
          env: { PATH: process.env.PATH ?? '', PORT: '0', AUTH_API_KEYS: API_KEY, [name]: value },
          timeout: 20_000,
        },
      );
      const failed = (await run.then(
        () => ({ code: 0, stdout: '', stderr: 'started' }),
        (error: unknown) => error,
      )) as { code: number; stdout: string; stderr: string };
      expect(failed.code).toBe(1);
      expect(failed.stderr).toBe(
        `Start-up failed: ${name} is set but blank: give it a value or unset it.\n`,
      );
      expect(failed.stdout).toBe('');
    });
  });
});
