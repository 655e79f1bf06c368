import type { Request, RequestHandler } from 'express';
import { routeOf } from '../http-route';
import type { MetricsService } from './metrics.service';

/** Times every request and records it under its route pattern once the response is done. */
export function httpMetrics(metrics: MetricsService): RequestHandler {
  return (request, response, next) => {
    const stop = metrics.httpRequests.startTimer();
    response.once('close', () => {
      stop({
        method: request.method,
        route: routeOf(request as Request),
        status: String(response.statusCode),
      });
    });
    next();
  };
}
