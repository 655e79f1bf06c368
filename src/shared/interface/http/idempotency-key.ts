import { createHash } from 'node:crypto';
import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { RequestValidationError } from './request-validation.error';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** A client's idempotency key and what identifies the request it came with. */
export type IdempotencyKeyOfRequest = { key: string; fingerprint: string };

// The draft defines the key as a Structured Field string ("..."); a bare token is accepted too,
// as many clients send one. Printable ASCII only, so the key is safe to store and log.
const QUOTED = /^"([\x20\x21\x23-\x5b\x5d-\x7e]{1,255})"$/;
const BARE = /^[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]{1,255}$/;

/** Parses the header; `undefined` when absent. */
export function parseIdempotencyKey(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const raw = typeof value === 'string' ? value.trim() : '';
  const key = QUOTED.exec(raw)?.[1] ?? (BARE.test(raw) ? raw : undefined);
  if (key === undefined) {
    throw new RequestValidationError([
      {
        field: IDEMPOTENCY_KEY_HEADER,
        messages: [
          'Idempotency-Key must be 1..255 printable ASCII characters, optionally in double quotes',
        ],
      },
    ]);
  }
  return key;
}

/**
 * The fingerprint covers what makes a request *this* request: method, path and the validated
 * body. A key sent again with a different fingerprint is a client bug, reported as 422.
 */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([method.toUpperCase(), path, body ?? null]))
    .digest('base64url');
}

/**
 * The request's `Idempotency-Key` with its fingerprint, or `undefined` without the header. The
 * body is read as the validation pipe left it on the request (whitelisted, no unknown fields).
 */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IdempotencyKeyOfRequest | undefined => {
    const request = context.switchToHttp().getRequest<Request>();
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    if (key === undefined) return undefined;
    return { key, fingerprint: fingerprintOf(request.method, request.path, request.body) };
  },
);
