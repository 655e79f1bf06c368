import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { Spectral } from '@stoplight/spectral-core';
import type { RulesetDefinition } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';
import request from 'supertest';
import type { CreateAppOptions } from '../src/app.factory';
import { startTestApp } from './support/app';

/**
 * The API document as served at /docs-json, with authentication off and on: a standard OpenAPI
 * linter finds nothing, and every status an operation can answer is documented with a schema.
 */

const PROBLEM_JSON = 'application/problem+json';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

// Spectral's OpenAPI ruleset as recommended, plus the rules it leaves off that this document
// keeps: described tags, parameters and license. Not a contact (`info-contact`,
// `contact-properties`): the service has none of its own, whoever runs it is the contact; nor
// alphabetical tags: they are in the order a reader needs them.
const RULESET: RulesetDefinition = {
  // The package's own typing of the ruleset does not match the definition type it is used as.
  extends: [oas as RulesetDefinition],
  rules: {
    'tag-description': 'warn',
    'openapi-tags': 'warn',
    'operation-singular-tag': 'warn',
    'oas3-parameter-description': 'warn',
    'info-license': 'warn',
    'license-url': 'warn',
    'info-contact': 'off',
  },
};

type Operation = { path: string; method: string; operation: OperationObject };

const configurations: [string, Partial<CreateAppOptions>][] = [
  ['authentication off, rate limit on', { http: { rateLimit: { limit: 600, windowMs: 60_000 } } }],
  [
    'authentication on (bearer and API key), rate limit off',
    {
      auth: {
        jwtSecret: 'api-document-test-secret-0123456789abcdef',
        apiKeys: ['api-document-test-key-0123456789'],
      },
    },
  ],
];

describe.each(configurations)('The API document, %s (e2e)', (_label, options) => {
  const authentication = options.auth !== undefined;
  const rateLimiting = (options.http?.rateLimit?.limit ?? 0) > 0;
  let app: NestExpressApplication;
  let document: OpenAPIObject;
  let operations: Operation[];

  beforeAll(async () => {
    app = await startTestApp(options);
    const response = await request(app.getHttpServer()).get('/docs-json').expect(200);
    document = response.body as OpenAPIObject;
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      HTTP_METHODS.flatMap((method) => {
        const operation = item[method];
        return operation === undefined ? [] : [{ path, method, operation }];
      }),
    );
  });
  afterAll(() => app.close());

  const responsesOf = (operation: OperationObject): [number, ResponseObject][] =>
    Object.entries(operation.responses).map(([status, response]) => {
      expect(response).not.toHaveProperty('$ref');
      return [Number(status), response as ResponseObject];
    });
  const isProbe = ({ path }: Operation): boolean => path.startsWith('/health/');
  const takesBody = ({ method, operation }: Operation): boolean =>
    operation.requestBody !== undefined || ['post', 'put', 'patch'].includes(method);

  // Generous: the ruleset's schema checks take seconds of CPU on a busy machine.
  it("passes Spectral's OpenAPI rules with no error and no warning", async () => {
    const spectral = new Spectral();
    spectral.setRuleset(RULESET);
    const findings = await spectral.run(JSON.stringify(document, null, 2));
    const serious = findings
      // Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
      .filter((finding) => Number(finding.severity) <= 1)
      .map((finding) => `${finding.code} at ${finding.path.join('.')}: ${finding.message}`);
    expect(serious).toEqual([]);
  }, 90_000);

  it('gives every response a schema, and every problem the problem+json media type', () => {
    expect(operations.length).toBeGreaterThan(8);
    for (const { path, method, operation } of operations) {
      for (const [status, response] of responsesOf(operation)) {
        const where = `${method.toUpperCase()} ${path} ${status}`;
        const media = Object.entries(response.content ?? {});
        if (status === 204 || status === 304) {
          // No body by definition (RFC 9110), so nothing to describe.
          expect([where, media]).toEqual([where, []]);
          continue;
        }
        expect([where, media.length]).not.toEqual([where, 0]);
        for (const [type, content] of media) {
          expect([where, type, content.schema]).not.toEqual([where, type, undefined]);
        }
        if (status >= 400) {
          expect([where, media.map(([type]) => type)]).toEqual([where, [PROBLEM_JSON]]);
          expect([where, media[0]?.[1].schema]).toEqual([
            where,
            { $ref: '#/components/schemas/ProblemDetails' },
          ]);
        }
      }
    }
  });

  it('names schemas without the Dto suffix, and every reference resolves', () => {
    const names = Object.keys(document.components?.schemas ?? {});
    expect(names).toEqual(expect.arrayContaining(['TodoResponse', 'ProblemDetails', 'TodoTitle']));
    expect(names.filter((name) => /dto$/i.test(name))).toEqual([]);
    const references = JSON.stringify(document).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const reference of new Set(references)) {
      expect(names).toContain(reference.slice('"#/components/schemas/'.length, -1));
    }
  });

  it('documents 413 and 415 where a body is sent, 429 where the rate limit applies, 500 everywhere, 503 wherever the database is used', () => {
    for (const entry of operations) {
      const where = `${entry.method.toUpperCase()} ${entry.path}`;
      const statuses = Object.keys(entry.operation.responses).map(Number);
      const has = (status: number): [string, number, boolean] => [
        where,
        status,
        statuses.includes(status),
      ];
      expect(has(413)).toEqual([where, 413, takesBody(entry)]);
      expect(has(415)).toEqual([where, 415, takesBody(entry)]);
      // The event stream answers 429 of its own too: a bounded number of streams per tenant.
      const ownLimit = entry.path === '/events/stream';
      expect(has(429)).toEqual([where, 429, (rateLimiting && !isProbe(entry)) || ownLimit]);
      expect(has(500)).toEqual([where, 500, true]);
      expect(has(503)).toEqual([where, 503, entry.path !== '/health/live']);
      for (const [status, response] of responsesOf(entry.operation)) {
        const headers = Object.keys(response.headers ?? {});
        expect(headers).toContain('X-Request-Id');
        if (status === 429 || status === 503) expect(headers).toContain('Retry-After');
        if (status === 412) expect(headers).toContain('ETag');
      }
    }
    // Bodies are sent to writes only; reads are the other half of the check above.
    expect(operations.filter(takesBody).length).toBeGreaterThanOrEqual(3);
    expect(operations.filter((entry) => !takesBody(entry)).length).toBeGreaterThanOrEqual(5);
  });

  it('shows security (and 401) only when authentication is on, and never on the probes', () => {
    const schemes = Object.keys(document.components?.securitySchemes ?? {});
    if (!authentication) {
      expect(document.security ?? []).toEqual([]);
      expect(schemes).toEqual([]);
    } else {
      expect(document.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
      expect(document.components?.securitySchemes).toMatchObject({
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      });
    }
    for (const entry of operations) {
      const where = `${entry.method.toUpperCase()} ${entry.path}`;
      const open = !authentication || isProbe(entry);
      const unauthorized = entry.operation.responses[401] as ResponseObject | undefined;
      expect([where, unauthorized !== undefined]).toEqual([where, !open]);
      if (unauthorized)
        expect(Object.keys(unauthorized.headers ?? {})).toContain('WWW-Authenticate');
      // Unset: the document's requirement applies. Empty: open.
      expect([where, entry.operation.security]).toEqual([
        where,
        authentication && isProbe(entry) ? [] : undefined,
      ]);
    }
  });

  it('describes every tag that an operation carries', () => {
    const tags = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const { operation } of operations) {
      for (const tag of operation.tags ?? [])
        expect([tag, tags.get(tag)]).toEqual([tag, expect.stringMatching(/\w{3,}/)]);
    }
  });
});
