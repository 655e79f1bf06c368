import { SetMetadata } from '@nestjs/common';
import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
} from '@nestjs/swagger';
import { PROBLEM_EXAMPLES as P, problemResponse } from './api-problem.decorator';
import { REQUEST_ID_HEADER } from './request-id.middleware';

export const NO_DATABASE = 'api:no-database';

/**
 * Marks a route that never touches the database, so the API document lists no 503 for it. Every
 * other route is taken to use it: the safe default for a route added later.
 */
export const NoDatabase = (): MethodDecorator & ClassDecorator => SetMetadata(NO_DATABASE, true);

/** What decides which of the service-wide failures an operation can meet. */
export type OperationTraits = {
  /** Open even when authentication is on. */
  public: boolean;
  /** Counted by the rate limit (when one is configured). */
  rateLimited: boolean;
  /** Reads or writes the database, so an unavailable or busy one makes it fail with 503. */
  usesDatabase: boolean;
  /** The scope a credential needs for it, if any. */
  scope?: string;
};

export type ServiceWideSettings = {
  bodyLimitBytes: number;
  rateLimiting: boolean;
  authentication: boolean;
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
// The body is read before routing whenever a request carries one, so these can answer 413/415
// even when they ignore what they are sent.
const BODY_METHODS = new Set<string>(['post', 'put', 'patch']);

const string = { schema: { type: 'string' } } as const;
const RESPONSE_HEADERS = {
  requestId: {
    description: 'The request id (yours if sane, else a new UUID); events record it.',
    ...string,
  },
  retryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
  authenticate: { description: 'The schemes this service accepts (RFC 9110).', ...string },
  insufficientScope: {
    description:
      'On insufficient-scope only: `Bearer error="insufficient_scope", scope="..."` (RFC 6750).',
    ...string,
  },
  etag: { description: 'The current version, to reload or to send in If-Match.', ...string },
} satisfies Record<string, HeaderObject>;

/**
 * Completes the operations of a generated document with what the service answers for every route
 * alike, from middleware, guards and the exception filter rather than from a controller: 401, 413,
 * 415, 429, 500 and 503, each where it can happen, and the headers those answers carry. A status an
 * operation documents itself is left as it is. Being central, a new controller gets all of it
 * without a decorator.
 */
export function addServiceWideResponses(
  document: OpenAPIObject,
  settings: ServiceWideSettings,
  traitsOf: (operation: DocumentedOperation) => OperationTraits,
): void {
  for (const documented of operationsOf(document)) {
    const { method, operation } = documented;
    const traits = traitsOf(documented);
    const extra: Record<number, ResponseObject> = {};
    if (settings.authentication && !traits.public) {
      extra[401] = problemResponse('Credentials are missing or not valid.', [P.unauthorized]);
      extra[403] = problemResponse(
        traits.scope === undefined
          ? 'The token names no tenant.'
          : `The token names no tenant, or the credential lacks the \`${traits.scope}\` scope.`,
        [
          P.tenantRequired,
          ...(traits.scope === undefined
            ? []
            : [
                {
                  ...P.insufficientScope,
                  detail: `This operation needs the ${traits.scope} scope, which the credential does not have.`,
                },
              ]),
        ],
      );
    }
    if (operation.requestBody !== undefined || BODY_METHODS.has(method)) {
      extra[413] = problemResponse(
        `The request body is larger than ${settings.bodyLimitBytes} bytes.`,
        [
          {
            ...P.payloadTooLarge,
            detail: `The request body is larger than ${settings.bodyLimitBytes} bytes.`,
          },
        ],
      );
      extra[415] = problemResponse('The request body is not UTF-8 `application/json`.', [
        P.unsupportedMediaType,
      ]);
    }
    if (settings.rateLimiting && traits.rateLimited) {
      extra[429] = problemResponse('This client sent more requests than the rate limit allows.', [
        P.tooManyRequests,
      ]);
    }
    extra[500] = problemResponse('Unexpected failure; details are logged, not returned.', [
      P.internal,
    ]);
    if (traits.usesDatabase) {
      extra[503] = problemResponse('The database is unavailable or busy; retry later.', [
        P.databaseUnavailable,
        P.databaseTimeout,
      ]);
    }
    const responses = { ...operation.responses };
    for (const [status, response] of Object.entries(extra)) responses[status] ??= response;
    for (const [status, response] of Object.entries(responses)) {
      if (response !== undefined && !isReference(response)) {
        addResponseHeaders(Number(status), response);
      }
    }
    operation.responses = Object.fromEntries(
      Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)),
    );
    addRequestIdParameter(operation);
  }
}

/** The headers the service sets on every answer with this status, whoever produced it. */
function addResponseHeaders(status: number, response: ResponseObject): void {
  const headers: Record<string, HeaderObject | ReferenceObject> = { ...response.headers };
  headers[REQUEST_ID_HEADER] ??= RESPONSE_HEADERS.requestId;
  if (status === 401) headers['WWW-Authenticate'] ??= RESPONSE_HEADERS.authenticate;
  if (status === 403) headers['WWW-Authenticate'] ??= RESPONSE_HEADERS.insufficientScope;
  if (status === 412) headers.ETag ??= RESPONSE_HEADERS.etag;
  if (status === 429 || status === 503) headers['Retry-After'] ??= RESPONSE_HEADERS.retryAfter;
  response.headers = headers;
}

function addRequestIdParameter(operation: OperationObject): void {
  const parameters = operation.parameters ?? [];
  const present = parameters.some(
    (parameter) =>
      !isReference(parameter) &&
      parameter.in === 'header' &&
      parameter.name.toLowerCase() === REQUEST_ID_HEADER.toLowerCase(),
  );
  if (present) return;
  const requestId: ParameterObject = {
    name: REQUEST_ID_HEADER,
    in: 'header',
    required: false,
    description:
      'Correlates logs and events with your request (1..128 of A-Z a-z 0-9 . _ : @ / + = -); echoed.',
    schema: { type: 'string' },
  };
  operation.parameters = [...parameters, requestId];
}

/**
 * Renames every schema of the document and rewrites each reference to it. Fails on two schemas
 * that would get one name, which would otherwise silently merge them.
 */
export function renameSchemas(document: OpenAPIObject, rename: (name: string) => string): void {
  const schemas = document.components?.schemas;
  if (schemas === undefined) return;
  const renamed: typeof schemas = {};
  const references = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    const next = rename(name);
    if (next in renamed) throw new Error(`Two schemas would be named ${next} in the API document`);
    renamed[next] = schema;
    references.set(`#/components/schemas/${name}`, `#/components/schemas/${next}`);
  }
  (document.components ?? {}).schemas = renamed;
  rewriteReferences(document, references);
}

/** `TodoResponseDto` → `TodoResponse`: the suffix names a class of this code, not the API. */
export function withoutDtoSuffix(name: string): string {
  return name.endsWith('Dto') && name.length > 3 ? name.slice(0, -3) : name;
}

function rewriteReferences(node: unknown, references: Map<string, string>): void {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    // `$ref`s, and a discriminator's mapping, which names schemas by reference too.
    if (typeof value === 'string') record[key] = references.get(value) ?? value;
    else rewriteReferences(value, references);
  }
}

/** An operation of the document with its path (as documented: `/todos/{id}`) and method. */
export type DocumentedOperation = { path: string; method: string; operation: OperationObject };

/** Every operation of the document; methods in lower case. */
export function operationsOf(document: OpenAPIObject): DocumentedOperation[] {
  const found: DocumentedOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation !== undefined) found.push({ path, method, operation });
    }
  }
  return found;
}

function isReference(value: object): value is ReferenceObject {
  return '$ref' in value;
}
