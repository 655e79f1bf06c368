import type { RequestObserver } from '../../shared/interface/http/request-id.middleware';
import { routeOf } from '../http-route';
import type { MetricsService } from './metrics.service';

/** Records every request under its route pattern, with its duration, once the response is done. */
export function httpMetrics(metrics: MetricsService): RequestObserver {
  return (request, response, durationMs) => {
    metrics.httpRequests.observe(
      {
        method: request.method,
        route: routeOf(request),
        status: String(response.statusCode),
      },
      durationMs / 1000,
    );
  };
}
