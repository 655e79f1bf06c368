import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler, Response } from 'express';
import { runWithRequestContext } from '../../application/request-context';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// A client's id is kept when it is a sane token, so it can correlate its own logs with ours;
// anything else (too long, spaces, control characters) is replaced rather than echoed.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * Told of every request once its response is finished (or the client went away), with the time
 * since the request arrived: the request log and the HTTP metrics.
 */
export type RequestObserver = (request: Request, response: Response, durationMs: number) => void;

/**
 * Gives every request an id (the client's `X-Request-Id`, or a new UUID), echoes it in the
 * response, exposes it as `request.id` and runs the rest of the request in its context; when the
 * response closes, tells each observer, in order.
 *
 * The observers share this middleware's clock and one `close` listener: as middlewares of their
 * own, each added a router layer, a clock and a listener to every request, which on a GET by id
 * was a measurable share of the service's own work.
 */
export function requestId(observers: readonly RequestObserver[] = []): RequestHandler {
  return (request, response, next) => {
    const started = performance.now();
    const offered = request.headers['x-request-id'];
    const id = typeof offered === 'string' && ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    (request as { id?: string }).id = id;
    response.setHeader(REQUEST_ID_HEADER, id);
    if (observers.length > 0) {
      response.once('close', () => {
        const durationMs = performance.now() - started;
        for (const observe of observers) observe(request, response, durationMs);
      });
    }
    runWithRequestContext({ requestId: id }, next);
  };
}
