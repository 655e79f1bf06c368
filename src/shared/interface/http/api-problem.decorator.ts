import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { ResponseObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem-details';
import type { ProblemDetails } from './problem-details';
import { ProblemDetailsDto } from './problem-details.dto';

/** Example problems by name, reused across routes. */
export const PROBLEM_EXAMPLES = {
  validation: {
    type: problemType('validation-error'),
    title: 'Invalid request',
    status: 400,
    detail: 'The request has invalid input: title.',
    instance: '/todos',
    errors: [{ field: 'title', messages: ['title must be a string'] }],
  },
  malformedBody: {
    type: problemType('malformed-body'),
    title: 'Malformed request body',
    status: 400,
    detail: 'The request body is not valid JSON.',
    instance: '/todos',
  },
  streamBusy: {
    type: problemType('stream-busy'),
    title: 'Stream busy',
    status: 503,
    detail:
      'Stream 3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e is too busy with concurrent writes right now; retry later.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    code: 'STREAM_BUSY',
    streamId: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  },
  preconditionFailed: {
    type: problemType('precondition-failed'),
    title: 'Precondition failed',
    status: 412,
    detail: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e is at version 3, not 2 as required.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    code: 'PRECONDITION_FAILED',
    id: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    expectedVersions: [2],
    currentVersion: 3,
  },
  preconditionRequired: {
    type: problemType('precondition-required'),
    title: 'Precondition required',
    status: 428,
    detail: 'This write needs an If-Match header with the ETag of the version it changes.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  },
  invalidHeader: {
    type: problemType('validation-error'),
    title: 'Invalid request',
    status: 400,
    detail: 'The request has invalid input: If-Match.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    errors: [
      {
        field: 'If-Match',
        messages: ['If-Match must be * or a comma-separated list of entity tags such as "3"'],
      },
    ],
  },
  idempotencyInFlight: {
    type: problemType('idempotency-key-in-flight'),
    title: 'Idempotency key in flight',
    status: 409,
    detail:
      'A request with this Idempotency-Key is still being processed; retry once it has finished.',
    instance: '/todos',
    code: 'IDEMPOTENCY_KEY_IN_FLIGHT',
  },
  idempotencyReused: {
    type: problemType('idempotency-key-reused'),
    title: 'Idempotency key reused',
    status: 422,
    detail:
      'This Idempotency-Key was already used for a different request; use a new key for a new request.',
    instance: '/todos',
    code: 'IDEMPOTENCY_KEY_REUSED',
  },
  invalidCursor: {
    type: problemType('invalid-cursor'),
    title: 'Invalid cursor',
    status: 400,
    detail: 'The cursor is malformed or was altered; start again from the first page.',
    instance: '/todos?cursor=bm9wZQ.eA',
    code: 'INVALID_CURSOR',
    field: 'cursor',
  },
  unauthorized: {
    type: problemType('unauthorized'),
    title: 'Unauthorized',
    status: 401,
    detail: 'This route needs credentials.',
    instance: '/todos',
  },
  tenantRequired: {
    type: problemType('tenant-required'),
    title: 'Tenant required',
    status: 403,
    detail:
      'The token has no valid tenant_id claim: 1 to 63 letters, digits, ., _ or -, naming the tenant to act for.',
    instance: '/todos',
  },
  insufficientScope: {
    type: problemType('insufficient-scope'),
    title: 'Insufficient scope',
    status: 403,
    detail: 'This operation needs the todos:write scope, which the credential does not have.',
    instance: '/todos',
  },
  payloadTooLarge: {
    type: problemType('payload-too-large'),
    title: 'Payload too large',
    status: 413,
    detail: 'The request body is larger than 16384 bytes.',
    instance: '/todos',
  },
  unsupportedMediaType: {
    type: problemType('unsupported-media-type'),
    title: 'Unsupported media type',
    status: 415,
    detail: 'Send the request body as application/json.',
    instance: '/todos',
  },
  tooManyRequests: {
    type: problemType('too-many-requests'),
    title: 'Too many requests',
    status: 429,
    detail: 'Too many requests from this client; retry after the time given in Retry-After.',
    instance: '/todos',
  },
  databaseUnavailable: {
    type: problemType('database-unavailable'),
    title: 'Database unavailable',
    status: 503,
    detail: 'The database is unavailable right now. Retry later.',
    instance: '/todos',
  },
  databaseTimeout: {
    type: problemType('database-timeout'),
    title: 'Database busy',
    status: 503,
    detail: 'No database connection became free in time. Retry later.',
    instance: '/todos',
  },
  internal: {
    type: problemType('internal-error'),
    title: 'Internal server error',
    status: 500,
    detail: 'An unexpected error occurred. It has been logged.',
    instance: '/todos',
  },
} satisfies Record<string, ProblemDetails>;

/** Documents one error status of a route as `application/problem+json` with examples. */
export function ApiProblem(
  status: number,
  description: string,
  examples: ProblemDetails[],
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ApiResponse({ status, ...problemResponse(description, examples) }),
  );
}

/** An OpenAPI response of `application/problem+json` with the given examples. */
export function problemResponse(description: string, examples: ProblemDetails[]): ResponseObject {
  return {
    description,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: getSchemaPath(ProblemDetailsDto) },
        examples: Object.fromEntries(
          examples.map((example) => [
            example.type.slice(example.type.lastIndexOf(':') + 1),
            { value: example },
          ]),
        ),
      },
    },
  };
}
