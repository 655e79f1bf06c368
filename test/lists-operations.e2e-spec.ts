import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestApp } from './support/app';
import { memoryLogger } from './support/memory-log';
import { expectProblem } from './support/problem';

const API_KEY = 'lists-test-api-key-0123456789';

jest.setTimeout(60_000);

/**
 * Authentication, rate limits, metrics and request logs are global: the lists module has no
 * line for any of them, and its routes get them all.
 */
describe('Lists under the global concerns (e2e)', () => {
  it('refuses /lists without credentials when authentication is on, serves it with them', async () => {
    const app = await startTestApp({ auth: { apiKeys: [API_KEY] } });
    try {
      const http = app.getHttpServer();
      expectProblem(await request(http).get('/lists'), 401, 'unauthorized');
      expectProblem(
        await request(http).post('/lists').send({ name: 'no key' }),
        401,
        'unauthorized',
      );
      const created = await request(http)
        .post('/lists')
        .set('X-API-Key', API_KEY)
        .send({ name: 'with a key' })
        .expect(201);
      await request(http)
        .get(`/lists/${(created.body as { id: string }).id}`)
        .set('X-API-Key', API_KEY)
        .expect(200);
    } finally {
      await app.close();
    }
  });

  it('rate-limits /lists like every route', async () => {
    const app = await startTestApp({ http: { rateLimit: { limit: 2, windowMs: 60_000 } } });
    try {
      const http = app.getHttpServer();
      await request(http).get('/lists').expect(200);
      await request(http).get(`/lists/${randomUUID()}`).expect(404);
      const limited = await request(http).get('/lists');
      expectProblem(limited, 429, 'too-many-requests');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  it('counts /lists requests and list commands in the metrics, and logs each request', async () => {
    const log = memoryLogger('info');
    const app = await startTestApp({ logger: log.logger });
    try {
      const http = app.getHttpServer();
      const requestId = `lists-${randomUUID()}`;
      const created = await request(http)
        .post('/lists')
        .set('X-Request-Id', requestId)
        .send({ name: 'metered' })
        .expect(201);
      await request(http)
        .get(`/lists/${(created.body as { id: string }).id}`)
        .expect(200);
      const metrics = (await request(http).get('/metrics').expect(200)).text;
      expect(metrics).toMatch(
        /http_request_duration_seconds_count\{method="POST",route="\/lists",status="201"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/lists\/:id",status="200"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /command_duration_seconds_count\{command="CreateListCommand",outcome="ok"\} [1-9]/,
      );
      const line = await log.waitFor(
        (entry) => (entry.req as { id?: string } | undefined)?.id === requestId,
      );
      expect(line).toMatchObject({ route: '/lists', res: { statusCode: 201 } });
    } finally {
      await app.close();
    }
  });
});
