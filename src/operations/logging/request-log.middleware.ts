import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { routeOf } from '../http-route';

/**
 * One log line per request when its response is finished (or the client went away), with the
 * request id set by the request-id middleware, the route pattern, the status and the duration.
 */
export function requestLog(logger: Logger): RequestHandler {
  const withRoute = (request: IncomingMessage, _response: ServerResponse, value: object) => ({
    ...value,
    route: routeOf(request as Request),
  });
  return pinoHttp({
    logger,
    genReqId: (request) => (request as { id?: string }).id ?? 'unknown',
    customSuccessObject: withRoute,
    customErrorObject: (request, response, _error, value: object) =>
      withRoute(request, response, value),
    // A 503 is a retryable, expected answer while the database restarts: a warning, not an error.
    customLogLevel: (_request, response, error) =>
      error !== undefined || (response.statusCode >= 500 && response.statusCode !== 503)
        ? 'error'
        : response.statusCode >= 400
          ? 'warn'
          : 'info',
    serializers: {
      req: (request: { id: string; method: string; url: string; headers: object }) => ({
        id: request.id,
        method: request.method,
        url: request.url,
        headers: request.headers,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      // pino-http invents an error ("failed with status code 500") for every 5xx; its stack says
      // nothing. The real error is logged, with its stack, by the problem+json filter.
      err: (error: { message?: unknown }) => ({ message: error.message }),
    },
  }) as RequestHandler;
}
