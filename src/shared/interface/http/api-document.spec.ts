import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import { addServiceWideResponses, renameSchemas, withoutDtoSuffix } from './api-document';

const documentWith = (
  paths: OpenAPIObject['paths'],
  schemas: Record<string, object> = {},
): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 'test', version: '1' },
  paths,
  components: { schemas },
});

const OPEN_READ = { public: false, rateLimited: true, usesDatabase: true };

describe('renameSchemas', () => {
  it('renames schemas and every reference to them, discriminator mappings included', () => {
    const document = documentWith(
      {
        '/a': {
          get: {
            responses: {
              200: {
                description: 'ok',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/ADto' } } },
              },
            },
          },
        },
      },
      {
        ADto: {
          type: 'object',
          properties: { items: { type: 'array', items: { $ref: '#/components/schemas/BDto' } } },
          discriminator: { propertyName: 'kind', mapping: { b: '#/components/schemas/BDto' } },
        },
        BDto: { type: 'object' },
        Plain: { type: 'string' },
      },
    );
    renameSchemas(document, withoutDtoSuffix);
    expect(Object.keys(document.components?.schemas ?? {})).toEqual(['A', 'B', 'Plain']);
    expect(JSON.stringify(document)).not.toContain('Dto');
    expect(document.components?.schemas?.A).toMatchObject({
      properties: { items: { items: { $ref: '#/components/schemas/B' } } },
      discriminator: { mapping: { b: '#/components/schemas/B' } },
    });
  });

  it('refuses to merge two schemas into one name', () => {
    const document = documentWith({}, { TodoDto: {}, Todo: {} });
    expect(() => renameSchemas(document, withoutDtoSuffix)).toThrow(/Todo/);
  });

  it('keeps a name that is only the suffix', () => {
    expect(withoutDtoSuffix('Dto')).toBe('Dto');
    expect(withoutDtoSuffix('TodoDtoList')).toBe('TodoDtoList');
  });
});

describe('addServiceWideResponses', () => {
  const settings = { bodyLimitBytes: 1024, rateLimiting: true, authentication: true };

  it('adds what an operation can meet and keeps what it documents itself', () => {
    const own: ResponseObject = { description: 'Not ready (own)' };
    const document = documentWith({
      '/w': { post: { operationId: 'W_post', responses: { 201: { description: 'made' } } } },
      '/r': { get: { operationId: 'R_get', responses: { 200: { description: 'ok' }, 503: own } } },
    });
    addServiceWideResponses(document, settings, ({ path }) =>
      path === '/r'
        ? { public: true, rateLimited: false, usesDatabase: true }
        : { ...OPEN_READ, scope: 'todos:write' },
    );
    const write = document.paths['/w']?.post;
    const read = document.paths['/r']?.get;
    expect(Object.keys(write?.responses ?? {})).toEqual([
      '201',
      '401',
      '403',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(Object.keys(read?.responses ?? {})).toEqual(['200', '500', '503']);
    expect(read?.responses[503]).toBe(own);
    expect((write?.responses[413] as ResponseObject).description).toContain('1024 bytes');
    expect(Object.keys((write?.responses[503] as ResponseObject).headers ?? {})).toEqual([
      'X-Request-Id',
      'Retry-After',
    ]);
    expect(write?.parameters).toEqual([expect.objectContaining({ name: 'X-Request-Id' })]);
    // A missing tenant or scope: both examples, and the RFC 6750 challenge header.
    const forbidden = write?.responses[403] as ResponseObject;
    expect(JSON.stringify(forbidden.content)).toContain('tenant-required');
    expect(JSON.stringify(forbidden.content)).toContain('todos:write scope');
    expect(Object.keys(forbidden.headers ?? {})).toContain('WWW-Authenticate');
  });

  it('adds no 401 without authentication, no 429 without a rate limit, no 503 without a database', () => {
    const document = documentWith({
      '/r': { get: { operationId: 'R_get', responses: { 200: { description: 'ok' } } } },
    });
    addServiceWideResponses(
      document,
      { ...settings, authentication: false, rateLimiting: false },
      () => ({
        ...OPEN_READ,
        usesDatabase: false,
      }),
    );
    expect(Object.keys(document.paths['/r']?.get?.responses ?? {})).toEqual(['200', '500']);
  });
});
