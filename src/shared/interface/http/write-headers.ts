import { ApiHeader } from '@nestjs/swagger';

/** Set on a response that answers a retry with the same key as the first request was answered. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * OpenAPI documentation of the headers every aggregate's routes share (ETag, X-Request-Id,
 * Idempotent-Replayed, If-Match, Idempotency-Key), so that a new module documents them the
 * same way.
 */
const string = { schema: { type: 'string' } } as const;

export const RESPONSE_HEADERS = {
  etag: {
    ETag: { description: 'Strong entity tag of the returned version: `"<version>"`.', ...string },
  },
  requestId: {
    'X-Request-Id': {
      description: 'The request id (yours if sane, else a new UUID); events record it.',
      ...string,
    },
  },
  replayed: {
    'Idempotent-Replayed': {
      description: '`true` when this is the stored response to an earlier request with this key.',
      ...string,
    },
  },
  location: (what: string) => ({ Location: { description: `URL of the new ${what}.`, ...string } }),
  link: (parameter: string) => ({
    Link: {
      description: `\`<…?${parameter}=…>; rel="next"\` when another page follows.`,
      ...string,
    },
  }),
};

/** `If-Match` on a write to `what` (e.g. "the list"). */
export function IfMatchHeader(what: string): MethodDecorator & ClassDecorator {
  return ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      `Write only if ${what} is still at this version: its ETag (\`"3"\`), a list (\`"3", "4"\`) ` +
      'or `*`. A stale one is refused with 412 and nothing is written. Without it the write ' +
      'applies to the latest state; with REQUIRE_IF_MATCH=true it is required (428).',
    // No example value: Swagger UI would pre-fill it, and a stale If-Match fails with 412.
    schema: { type: 'string' },
  });
}

/** `Idempotency-Key` on a POST or DELETE. */
export const IdempotencyKeyHeader = (): MethodDecorator & ClassDecorator =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Makes retries safe: the first request with a key runs, later ones with the same key and ' +
      'request get its stored response (also after a lost response), for 24 h by default. The ' +
      'same key with another request is 422; while the first is still being written, 409.',
    // No example value: Swagger UI would pre-fill it, so every try would reuse one key (422).
    schema: { type: 'string' },
  });

/** `X-Request-Id` on every route of a controller. */
export const RequestIdHeader = (): MethodDecorator & ClassDecorator =>
  ApiHeader({
    name: 'X-Request-Id',
    required: false,
    description:
      'Correlates logs and events with your request (1..128 of A-Z a-z 0-9 . _ : @ / + = -); echoed.',
  });
