import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import { Client } from 'pg';
import { startTestApp } from './support/app';
import { createScratchDatabase } from './support/database';
import { PROBLEM_TYPE_PREFIX } from '../src/shared/interface/http/problem-details';
import { problemTypesOfCode } from './support/problem-types';

/**
 * Property-based fuzzing of every route in the OpenAPI document with random paths, query
 * strings, headers and bodies. Properties: never a 5xx, every error is problem+json, and a
 * rejected request changes nothing in the database. `npm test` runs a fixed seed; `npm run fuzz`
 * runs many more cases with a fresh seed (FUZZ_RUNS, FUZZ_SEED to replay one).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);

jest.setTimeout(Math.max(120_000, RUNS * 200));

type Operation = { method: string; path: string };
type RawRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
};
type RawReply = { status: number; contentType: string; text: string };

function send(base: string, raw: RawRequest): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${raw.path}`,
      { method: raw.method, headers: raw.headers, agent: false, timeout: 10_000 },
      (response) => {
        // An event stream stays open by design: its status and headers are the answer.
        if (String(response.headers['content-type']).startsWith('text/event-stream')) {
          req.destroy();
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type']),
            text: '',
          });
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${raw.method} ${raw.path}`)));
    req.on('error', reject);
    req.end(raw.body);
  });
}

// Printable ASCII without the characters a URL or header cannot carry raw.
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'null',
    'true',
    '-1',
    '1e309',
    '0x10',
    '../..',
    '%',
    '%E0%A4%A',
  ),
);

/** A path parameter: a real id, a fresh UUID, or anything else, encoded or raw. */
const pathValue = (ids: string[]) =>
  fc.oneof(
    fc.constantFrom(...ids),
    fc.uuid(),
    anyText.map((text) => encodeURIComponent(text)),
    fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '..', '.', 'a'.repeat(3000)),
  );

const query = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom(
            'completed',
            'limit',
            'after',
            'version',
            'title',
            'id',
            '__proto__',
            'constructor',
            'a[b]',
          ),
          printable,
        ),
        fc.oneof(
          fc.constantFrom(
            'true',
            'false',
            '1',
            '0',
            '-5',
            '101',
            '20',
            'NaN',
            '',
            '1.5',
            '99999999999999999999',
            '9007199254740991',
            '9007199254740992',
            '0x10',
            '1e1',
            ' 5',
          ),
          anyText,
        ),
      ),
      { maxLength: 5 },
    )
    .map(
      (pairs) =>
        '?' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
    ),
  fc.constantFrom('?completed=true&completed=false', '?limit=1&limit=2', '?%', '?a=%zz', '?=&&='),
);

const deepJson = fc
  .integer({ min: 10, max: 2000 })
  .map((depth) => '['.repeat(depth) + ']'.repeat(depth));

const jsonBody = fc.oneof(
  fc
    .record({ title: fc.oneof(anyText, fc.jsonValue()) }, { requiredKeys: [] })
    .map((v) => JSON.stringify(v)),
  fc.record({ title: anyText, extra: fc.jsonValue({ maxDepth: 3 }) }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc
    .string({ unit: 'binary', minLength: 0, maxLength: 300 })
    .map((title) => JSON.stringify({ title })),
  fc.integer({ min: 200, max: 20_000 }).map((n) => JSON.stringify({ title: 'x'.repeat(n) })),
  deepJson,
  fc.constantFrom(
    '{',
    '{"title":',
    '{"title":"a"',
    'null',
    '"title"',
    '[]',
    '{"title":"\\ud800"}',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{}}}',
    '{"title":"ok","__proto__":{"title":"x"}}',
    '{"title":"\\u200b\\u2060"}',
    '{"title":"a\\u202eb"}',
  ),
);

const body = fc.oneof(
  fc.constant(undefined),
  jsonBody.map((text) => Buffer.from(text, 'utf8')),
  // Bytes that are not UTF-8 at all, or JSON with invalid sequences inside a string.
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc
    .uint8Array({ minLength: 1, maxLength: 20 })
    .map((bytes) =>
      Buffer.concat([Buffer.from('{"title":"'), Buffer.from(bytes), Buffer.from('"}')]),
    ),
);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/merge-patch+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    '*/*',
    'application/json, text/plain',
  ),
  printable,
);

const headers = fc.record(
  {
    'content-type': contentType,
    'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus'),
    accept: fc.oneof(
      fc.constantFrom('application/json', 'text/html', '*/*', 'image/png'),
      printable,
    ),
    'if-match': fc.oneof(fc.constantFrom('"1"', '"2"', '*', 'W/"1"', '"abc"', '1'), printable),
    'if-none-match': fc.oneof(fc.constantFrom('"1"', '*'), printable),
    'x-request-id': printable,
    authorization: printable,
    'x-api-key': printable,
  },
  { requiredKeys: [] },
);

describe('Fuzzing every documented route (e2e)', () => {
  let app: NestExpressApplication;
  let base: string;
  let db: Client;
  let scratch: { url: string; drop: () => Promise<void> };
  const ids: string[] = [];
  let operations: Operation[];

  beforeAll(async () => {
    // A database of its own: "nothing changed" is checked by counting rows, which other suites
    // running at the same time would disturb in the shared one.
    scratch = await createScratchDatabase('fuzz');
    app = await startTestApp({
      database: { url: scratch.url, poolSize: 5, connectionTimeoutMs: 10_000, migrate: true },
      logger: ['error'],
    });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    db = new Client({ connectionString: scratch.url });
    await db.connect();

    const document = (await (await fetch(`${base}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
    for (const title of ['open one', 'completed one']) {
      const created = await fetch(`${base}/todos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      });
      ids.push(((await created.json()) as { id: string }).id);
    }
    await fetch(`${base}/todos/${ids[1]}/complete`, { method: 'POST' });
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await scratch?.drop();
  });

  const fingerprint = async (): Promise<string> => {
    const { rows } = await db.query<{ events: string; views: string; versions: string }>(
      `SELECT (SELECT count(*) FROM events) AS events,
              (SELECT count(*) FROM todo_read_views) AS views,
              (SELECT coalesce(sum(version), 0) FROM todo_read_views) AS versions`,
    );
    return JSON.stringify(rows[0]);
  };

  it('covers every route of the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(5);
    expect(operations).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: '/todos' },
        { method: 'PATCH', path: '/todos/{id}' },
      ]),
    );
  });

  it('never answers 5xx, always problem+json on errors, and rejected requests change nothing', async () => {
    const knownTypes = new Set(
      [...problemTypesOfCode().keys()].map((slug) => `${PROBLEM_TYPE_PREFIX}${slug}`),
    );
    const operation = fc.constantFrom(...operations);
    const method = fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
    );
    const suffix = fc.oneof(
      { weight: 5, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: anyText.map((text) => `/${encodeURIComponent(text)}`) },
    );
    const arbitraryRequest = fc
      .record({
        operation,
        method,
        params: fc.array(pathValue(ids), { minLength: 3, maxLength: 3 }),
        suffix,
        query,
        headers,
        body,
      })
      .map(
        ({
          operation: op,
          method: override,
          params,
          suffix: tail,
          query: q,
          headers: h,
          body: b,
        }) => {
          let index = 0;
          const path = op.path.replace(/\{[^}]+\}/g, () => params[index++] ?? 'x') + tail + q;
          const all: Record<string, string> = { ...h };
          if (b !== undefined) all['content-length'] = String(b.length);
          return {
            method: override ?? op.method,
            path,
            headers: all,
            body: b,
          } satisfies RawRequest;
        },
      );

    await fc.assert(
      fc.asyncProperty(arbitraryRequest, async (raw) => {
        const before = await fingerprint();
        const reply = await send(base, raw);
        const context = `${raw.method} ${raw.path} → ${reply.status} ${reply.text.slice(0, 300)}`;
        if (reply.status >= 500) throw new Error(`5xx: ${context}`);
        if (reply.status >= 400) {
          if (!/^application\/problem\+json/.test(reply.contentType)) {
            throw new Error(`not problem+json: ${context}`);
          }
          const problem = JSON.parse(reply.text) as { type?: unknown; status?: unknown };
          if (typeof problem.type !== 'string' || problem.status !== reply.status) {
            throw new Error(`malformed problem: ${context}`);
          }
          // Every type answered is one the code declares, so the documented list is complete.
          if (!knownTypes.has(problem.type)) throw new Error(`undeclared type: ${context}`);
          const after = await fingerprint();
          if (after !== before)
            throw new Error(`rejected request changed the database: ${context}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
