import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { startTestApp } from './support/app';
import { launchChromium } from './support/chromium';

/**
 * CORS as a browser enforces it, in a real headless Chromium: a page served from another origin
 * on 127.0.0.1 calls the API with `fetch`. What the page's script can read is exactly what the
 * browser lets through, so each header read here proves the preflight allowed the request headers
 * and the response exposed the header.
 */

const API_KEY = 'cors-test-api-key-0123456789';
const RATE_LIMIT = 20;

jest.setTimeout(90_000);

/** What a page script sees of a response. */
type Seen = { status: number; headers: Record<string, string>; body: unknown };
type Call = {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
};

describe('CORS in a browser (e2e)', () => {
  let app: NestExpressApplication;
  let api: string;
  let allowedPages: Server;
  let otherPages: Server;
  let allowedOrigin: string;
  let otherOrigin: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [allowedPages, allowedOrigin] = await servePage();
    [otherPages, otherOrigin] = await servePage();
    app = await startTestApp({
      auth: { apiKeys: [API_KEY] },
      http: { corsOrigins: [allowedOrigin], rateLimit: { limit: RATE_LIMIT, windowMs: 60_000 } },
    });
    await app.listen(0, '127.0.0.1');
    api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([allowedPages, otherPages].map(closeServer));
  });

  /** Runs `fetch` inside the page: the request leaves from the page's origin. */
  const fetchFromPage = (call: Call): Promise<Seen | { refused: string }> =>
    page.evaluate(
      async ({ api, call }) => {
        try {
          const response = await fetch(`${api}${call.path}`, {
            method: call.method,
            headers: call.headers,
            body: call.body === undefined ? undefined : JSON.stringify(call.body),
          });
          const text = await response.text();
          return {
            status: response.status,
            headers: Object.fromEntries(response.headers.entries()),
            body: text === '' ? null : (JSON.parse(text) as unknown),
          };
        } catch (error) {
          return { refused: String(error) };
        }
      },
      { api, call },
    );

  const seen = async (call: Call): Promise<Seen> => {
    const result = await fetchFromPage(call);
    if ('refused' in result) throw new Error(`The browser refused ${call.method} ${call.path}`);
    return result;
  };

  const json = { 'Content-Type': 'application/json', 'X-API-Key': API_KEY };

  it("lets a page on an allowed origin use idempotent creates and conditional writes, and read every header the API's guarantees rest on", async () => {
    await page.goto(`${allowedOrigin}/`);
    const key = randomUUID();
    const requestId = `cors-${randomUUID()}`;

    const created = await seen({
      method: 'POST',
      path: '/todos',
      headers: { ...json, 'Idempotency-Key': key, 'X-Request-Id': requestId },
      body: { title: 'Written from another origin' },
    });
    expect(created.status).toBe(201);
    const todo = created.body as { id: string; version: number };
    expect(created.headers).toMatchObject({
      etag: '"1"',
      location: `/todos/${todo.id}`,
      'x-request-id': requestId,
    });
    expect(created.headers).not.toHaveProperty('idempotent-replayed');

    // A retry after a lost response: the stored answer, marked as a replay.
    const retried = await seen({
      method: 'POST',
      path: '/todos',
      headers: { ...json, 'Idempotency-Key': key },
      body: { title: 'Written from another origin' },
    });
    expect(retried.status).toBe(201);
    expect(retried.headers).toMatchObject({ etag: '"1"', 'idempotent-replayed': 'true' });
    expect(retried.body).toEqual(created.body);

    const renamed = await seen({
      method: 'PATCH',
      path: `/todos/${todo.id}`,
      headers: { ...json, 'If-Match': created.headers.etag ?? '' },
      body: { title: 'Renamed from another origin' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.etag).toBe('"2"');
    expect(renamed.body).toMatchObject({ title: 'Renamed from another origin', version: 2 });

    // A stale If-Match: refused, and the ETag says which version to reload.
    const stale = await seen({
      method: 'PATCH',
      path: `/todos/${todo.id}`,
      headers: { ...json, 'If-Match': created.headers.etag ?? '' },
      body: { title: 'Lost update' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(stale.headers.etag).toBe('"2"');

    const history = await seen({
      method: 'GET',
      path: `/todos/${todo.id}/events?limit=1`,
      headers: { 'X-API-Key': API_KEY },
    });
    expect(history.status).toBe(200);
    expect(history.headers.link).toMatch(/^<\/todos\/[^>]+\/events\?after=1&limit=1>; rel="next"$/);

    const unauthenticated = await seen({ method: 'GET', path: `/todos/${todo.id}` });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers['www-authenticate']).toContain('ApiKey');
  });

  it('refuses a page on an origin that is not listed: its write never reaches the service', async () => {
    await page.goto(`${otherOrigin}/`);
    const key = randomUUID();
    const title = 'Written from a foreign origin';

    const write = await fetchFromPage({
      method: 'POST',
      path: '/todos',
      headers: { ...json, 'Idempotency-Key': key },
      body: { title },
    });
    expect(write).toEqual({ refused: expect.stringContaining('Failed to fetch') as string });
    const read = await fetchFromPage({
      method: 'GET',
      path: '/health/live',
    });
    expect(read).toEqual({ refused: expect.stringContaining('Failed to fetch') as string });

    // The same request and key sent directly runs for the first time: no stored answer existed.
    const direct = await request(app.getHttpServer())
      .post('/todos')
      .set('X-API-Key', API_KEY)
      .set('Idempotency-Key', key)
      .send({ title })
      .expect(201);
    expect(direct.headers).not.toHaveProperty('idempotent-replayed');
  });

  // Last: it uses up the window's requests that the tests above share with it.
  it('lets the page read when to retry once it is rate-limited', async () => {
    await page.goto(`${allowedOrigin}/`);
    let limited: Seen | undefined;
    for (let attempt = 0; attempt <= RATE_LIMIT && limited === undefined; attempt++) {
      const answer = await seen({
        method: 'GET',
        path: '/todos?limit=1',
        headers: { 'X-API-Key': API_KEY },
      });
      if (answer.status === 429) limited = answer;
    }
    expect(limited?.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited?.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

/** An HTTP server on 127.0.0.1 serving an empty page at every path; returns it and its origin. */
async function servePage(): Promise<[Server, string]> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>API client</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}
