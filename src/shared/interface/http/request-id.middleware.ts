import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithRequestContext } from '../../application/request-context';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// A client's id is kept when it is a sane token, so it can correlate its own logs with ours;
// anything else (too long, spaces, control characters) is replaced rather than echoed.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * Gives every request an id (the client's `X-Request-Id`, or a new UUID), echoes it in the
 * response, exposes it as `request.id` and runs the rest of the request in its context.
 */
export function requestId(): RequestHandler {
  return (request, response, next) => {
    const offered = request.headers['x-request-id'];
    const id = typeof offered === 'string' && ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    (request as { id?: string }).id = id;
    response.setHeader(REQUEST_ID_HEADER, id);
    runWithRequestContext({ requestId: id }, next);
  };
}
