import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency-key';
import { REQUEST_ID_HEADER } from './request-id.middleware';

/**
 * Request headers a browser client may send: every header the API reads. Without one of them in
 * the preflight answer the browser refuses the request before it leaves, so a client on an allowed
 * origin could not use the API's own guarantees (idempotent retries, conditional writes).
 */
export const CORS_ALLOWED_HEADERS = [
  'Content-Type',
  'Authorization',
  'X-API-Key',
  IDEMPOTENCY_KEY_HEADER,
  'If-Match',
  'If-None-Match',
  REQUEST_ID_HEADER,
] as const;

/**
 * Response headers a browser script may read. Beyond the CORS-safelisted ones (Content-Type,
 * Cache-Control, ...) a script sees only those listed here, and each of these carries something
 * a client acts on: the version to send back in If-Match, where a new todo lives, the next page,
 * whether an answer is a stored replay, when to retry, which scheme to authenticate with, and
 * the id to quote when reporting a problem.
 */
export const CORS_EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Link',
  'Idempotent-Replayed',
  'Retry-After',
  'WWW-Authenticate',
  REQUEST_ID_HEADER,
] as const;

/** CORS for the listed origins only; any other origin gets no CORS headers, so browsers refuse it. */
export function corsOptions(origins: readonly string[]): CorsOptions {
  return {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    // Browsers cap this anyway (Chromium at 2 hours); 10 minutes keeps a changed list from
    // lingering in clients for long.
    maxAge: 600,
  };
}
