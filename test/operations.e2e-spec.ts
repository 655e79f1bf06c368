import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ConcurrencyError, EventStore } from '../src/event-store';
import { DEFAULT_TENANT, runInTenantScope } from '../src/database/tenant-scope';
import { ReadinessChecks } from '../src/operations/health/readiness-checks';
import { expectProblem } from './support/problem';
import { memoryLogger } from './support/memory-log';
import { startTestApp } from './support/app';
import { sendUnfinishedRequest } from './support/unfinished-request';

/** A class or error name from the code (`ThrottlerException`, `TypeError`, ...). */
const INTERNAL_NAME = /\b[A-Z][A-Za-z]*(Exception|Error)\b/;

describe('Operations (e2e)', () => {
  describe('with default settings', () => {
    let app: NestExpressApplication;
    let http: ReturnType<NestExpressApplication['getHttpServer']>;
    const log = memoryLogger('info');

    beforeAll(async () => {
      app = await startTestApp({ logger: log.logger });
      http = app.getHttpServer();
    });
    afterAll(() => app.close());

    it('answers liveness and readiness (database up)', async () => {
      const live = await request(http).get('/health/live').expect(200);
      expect(live.body).toMatchObject({ status: 'ok' });
      const ready = await request(http).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    });

    it('exposes Prometheus metrics: requests by route and status, commands, appends, conflicts, pool', async () => {
      const created = await request(http).post('/todos').send({ title: 'metered' }).expect(201);
      const id = (created.body as { id: string }).id;
      await request(http).get(`/todos/${randomUUID()}`).expect(404);
      // A stale expected version is a conflict, whoever causes it (here: the same tenant).
      await expect(
        runInTenantScope({ tenant: DEFAULT_TENANT }, () =>
          app
            .get(EventStore)
            .append(id, 0, [{ type: 'TodoCreated', data: {} }], { streamType: 'todo' }),
        ),
      ).rejects.toBeInstanceOf(ConcurrencyError);

      const response = await request(http).get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      const text = response.text;
      expect(text).toMatch(
        /http_request_duration_seconds_count\{method="POST",route="\/todos",status="201"\} [1-9]/,
      );
      expect(text).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/todos\/:id",status="404"\} [1-9]/,
      );
      expect(text).toMatch(
        /command_duration_seconds_count\{command="CreateTodoCommand",outcome="ok"\} [1-9]/,
      );
      expect(text).toMatch(/^event_store_appends_total [1-9]/m);
      expect(text).toMatch(/^event_store_events_appended_total [1-9]/m);
      expect(text).toMatch(/^event_store_concurrency_conflicts_total [1-9]/m);
      expect(text).toMatch(/^db_pool_connections\{state="total"\} [1-9]/m);
      expect(text).toMatch(/^db_pool_connections\{state="waiting"\} 0/m);
      // Every statement waits for a connection, if only for microseconds.
      expect(text).toMatch(/^db_pool_wait_seconds_count\{connection="reused"\} [1-9]/m);
      expect(text).toMatch(/^db_pool_wait_seconds_count\{connection="opened"\} \d/m);
      // Raw paths never become labels: one series per route pattern.
      expect(text).not.toContain(id);
    });

    it('exports the event-loop delay as a histogram that a blocked loop shows up in', async () => {
      const value = (text: string, series: string) =>
        Number(new RegExp(`^${series.replace(/[{}".]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
      const before = (await request(http).get('/metrics').expect(200)).text;
      // Blocks this process's loop, which is the app's, for longer than the 0.1 s bucket.
      const blockedUntil = Date.now() + 150;
      while (Date.now() < blockedUntil);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const after = (await request(http).get('/metrics').expect(200)).text;

      const above = (text: string) =>
        value(text, 'nodejs_eventloop_delay_seconds_count') -
        value(text, 'nodejs_eventloop_delay_seconds_bucket{le="0.1"}');
      expect(above(after) - above(before)).toBeGreaterThanOrEqual(1);
      expect(value(after, 'nodejs_eventloop_delay_seconds_count')).toBeGreaterThan(
        value(before, 'nodejs_eventloop_delay_seconds_count'),
      );
    });

    it('writes one JSON line per request with id, route, status and duration; secrets redacted; CR/LF stay inside the line', async () => {
      const requestId = `log-${randomUUID()}`;
      await request(http)
        .post('/todos?note=a%0D%0Afake%20line')
        .set('X-Request-Id', requestId)
        .set('Authorization', 'Bearer very-secret-token-value')
        .set('X-API-Key', 'very-secret-api-key-value')
        .send({ title: 'line one\r\n{"level":30,"msg":"forged"}' })
        .expect(400);

      const line = await log.waitFor(
        (entry) => (entry.req as { id?: string } | undefined)?.id === requestId,
      );
      expect(line).toMatchObject({
        route: '/todos',
        res: { statusCode: 400 },
        req: {
          method: 'POST',
          headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' },
        },
      });
      expect(typeof line.responseTime).toBe('number');
      const raw = log.text();
      expect(raw).not.toContain('very-secret');
      // Every line is one complete JSON object: nothing the client sent split or forged a line.
      for (const entry of raw.split('\n').filter((text) => text !== '')) {
        expect(() => JSON.parse(entry) as unknown).not.toThrow();
      }
      expect(raw).not.toMatch(/^\{"level":30,"msg":"forged"\}/m);
    });

    it('cuts refused header values and redacts secret-looking query parameters in the request line', async () => {
      const secrets = {
        api_key: 'secret-value-1',
        token: 'secret-value-2',
        access_token: 'secret-value-3',
        key: 'secret-value-4',
        secret: 'secret-value-5',
        password: 'secret-value-6',
        signature: 'secret-value-7',
        client_secret: 'secret-value-8',
        'X-Amz-Signature': 'secret-value-9',
        refreshToken: 'secret-value-10',
        sig: 'secret-value-11',
        passwd: 'secret-value-12',
      };
      const query = Object.entries(secrets)
        .map(([name, value]) => `${name}=${value}`)
        .join('&');
      const refusedId = 'a'.repeat(10 * 1024);
      const response = await request(http)
        .get(`/todos?limit=5&${query}`)
        .set('X-Request-Id', refusedId)
        .set('X-Auth-Token', 'secret-value-13')
        .set('X-Padding', 'p'.repeat(4 * 1024));
      const id = String(response.headers['x-request-id']);
      expect(id).not.toBe(refusedId);

      const line = await log.waitFor(
        (entry) => (entry.req as { id?: string } | undefined)?.id === id,
      );
      const req = line.req as { url: string; headers: Record<string, string> };
      expect(req.url).toMatch(/^\/todos\?limit=5&api_key=\[redacted\]&token=\[redacted\]/);
      for (const name of Object.keys(secrets)) expect(req.url).toContain(`${name}=[redacted]`);
      expect(req.headers['x-auth-token']).toBe('[redacted]');
      expect(req.headers['x-request-id']).toBe(`${'a'.repeat(256)}…[9984 more characters]`);
      expect(req.headers['x-padding']).toMatch(/^p{256}…\[3840 more characters\]$/);
      const raw = JSON.stringify(line);
      expect(raw).not.toContain('secret-value');
      expect(raw.length).toBeLessThan(3000);
    });

    it('sets helmet security headers and leaves CORS off', async () => {
      const response = await request(http)
        .get('/health/live')
        .set('Origin', 'https://evil.example')
        .expect(200);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers).not.toHaveProperty('access-control-allow-origin');
      expect(response.headers).not.toHaveProperty('x-powered-by');
    });

    it('refuses deeply nested JSON with 400 and oversized bodies with 413', async () => {
      const nested = '{"title":'.repeat(200) + '"x"' + '}'.repeat(200);
      const deep = await request(http)
        .post('/todos')
        .set('Content-Type', 'application/json')
        .send(nested);
      expect(String(expectProblem(deep, 400, 'malformed-body').detail)).toContain('nested deeper');

      const big = await request(http)
        .post('/todos')
        .send({ title: 'x'.repeat(17 * 1024) });
      expectProblem(big, 413, 'payload-too-large');
    });

    it('serves the API document without security while authentication is off', async () => {
      // With credentials configured it names their schemes: see api-document.e2e-spec.ts.
      const response = await request(http).get('/docs-json').expect(200);
      const document = response.body as {
        components: { securitySchemes?: unknown };
        security?: unknown[];
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };
      expect(document.security).toBeUndefined();
      expect(document.components.securitySchemes).toBeUndefined();
      expect(document.paths['/todos']?.post?.security).toBeUndefined();
    });
  });

  describe('with settings changed', () => {
    it('allows only the listed CORS origins', async () => {
      const app = await startTestApp({ http: { corsOrigins: ['https://app.example.com'] } });
      try {
        const http = app.getHttpServer();
        const allowed = await request(http)
          .options('/todos')
          .set('Origin', 'https://app.example.com')
          .set('Access-Control-Request-Method', 'POST')
          .set(
            'Access-Control-Request-Headers',
            'content-type,if-match,idempotency-key,x-request-id,x-api-key,authorization',
          );
        expect(allowed.status).toBeLessThan(300);
        expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
        const allowedHeaders = String(allowed.headers['access-control-allow-headers'])
          .toLowerCase()
          .split(',');
        for (const header of [
          'content-type',
          'if-match',
          'if-none-match',
          'idempotency-key',
          'x-request-id',
          'x-api-key',
          'authorization',
        ]) {
          expect(allowedHeaders).toContain(header);
        }
        const read = await request(http).get('/todos').set('Origin', 'https://app.example.com');
        const exposed = String(read.headers['access-control-expose-headers'])
          .toLowerCase()
          .split(',');
        for (const header of [
          'etag',
          'location',
          'link',
          'idempotent-replayed',
          'retry-after',
          'www-authenticate',
          'x-request-id',
        ]) {
          expect(exposed).toContain(header);
        }

        const other = await request(http).get('/todos').set('Origin', 'https://evil.example');
        expect(other.headers).not.toHaveProperty('access-control-allow-origin');
      } finally {
        await app.close();
      }
    });

    it('rate-limits with 429 problem+json and Retry-After; health is never limited', async () => {
      const app = await startTestApp({ http: { rateLimit: { limit: 3, windowMs: 60_000 } } });
      try {
        const http = app.getHttpServer();
        for (let i = 0; i < 3; i++) await request(http).get('/todos').expect(200);
        const limited = await request(http).get('/todos');
        const problem = expectProblem(limited, 429, 'too-many-requests');
        expect(problem.detail).toMatch(/^Too many requests: at most 3 per 60 s from one client\./);
        expect(JSON.stringify(problem)).not.toMatch(INTERNAL_NAME);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        await request(http).get('/health/live').expect(200);
        await request(http).get('/health/ready').expect(200);
      } finally {
        await app.close();
      }
    });

    it('limits unknown paths too, and refuses over the limit before reading the body', async () => {
      const app = await startTestApp({ http: { rateLimit: { limit: 3, windowMs: 60_000 } } });
      try {
        const http = app.getHttpServer();
        for (const path of ['/no-such-route', '/todos/a/b', '/.env']) {
          expectProblem(await request(http).get(path), 404, 'not-found');
        }
        expectProblem(await request(http).get('/another-unknown-path'), 429, 'too-many-requests');
        const result = await sendUnfinishedRequest(http, {
          method: 'POST',
          path: '/todos',
          headers: {},
        });
        expect({ status: result.status, closed: result.closed }).toEqual({
          status: 429,
          closed: true,
        });
        expect(result.response).toMatch(/\r\nretry-after: \d+\r\n/i);
        expect(result.response).not.toMatch(INTERNAL_NAME);
      } finally {
        await app.close();
      }
    });

    it('is not ready while a registered check is down (e.g. a lagging projection), nor while draining', async () => {
      const app = await startTestApp();
      try {
        const http = app.getHttpServer();
        let lagging = true;
        const indicators = app.get(HealthIndicatorService);
        app.get(ReadinessChecks).register('projection-lag', () => {
          const session = indicators.check('projection-lag');
          return Promise.resolve(lagging ? session.down({ behindBy: 42 }) : session.up());
        });
        const notReady = await request(http).get('/health/ready');
        expect(String(expectProblem(notReady, 503, 'service-unavailable').detail)).toContain(
          'projection-lag',
        );
        expect(Number(notReady.headers['retry-after'])).toBeGreaterThan(0);

        lagging = false;
        await request(http).get('/health/ready').expect(200);

        app.get(ReadinessChecks).startDraining();
        const draining = await request(http).get('/health/ready');
        expect(String(expectProblem(draining, 503).detail)).toContain('shutting down');
        await request(http).get('/health/live').expect(200);
      } finally {
        await app.close();
      }
    });

    it('turns Swagger UI and the API document off with DOCS_ENABLED=false', async () => {
      const app = await startTestApp({ http: { docsEnabled: false } });
      try {
        const http = app.getHttpServer();
        expectProblem(await request(http).get('/docs'), 404, 'not-found');
        expectProblem(await request(http).get('/docs-json'), 404, 'not-found');
      } finally {
        await app.close();
      }
    });
  });
});
